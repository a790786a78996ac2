"""Hosted model providers behind the text generation port: one model call each, no retries.

Retries, fallback, breakers and concurrency live in ``subgraphs.llm.chain``; a provider only
turns one request into one answer or one classified ``ProviderError``.
"""
