"""The embedded image generators: Pillow drawings made from the request's domain data.

Every drawing is a pure function of its request (kind, prompt, seed and the subject: a
character's species and class, a map's size, a spell's area): the same request always gives
byte-identical PNGs. ``OfflineImageGenerator`` picks the drawing for the request's kind.
"""
