"""A tokenizer-free token estimate, the same for budgets, benchmarks and the test server.

Chinese text costs about one token per character with most models (DeepSeek, Qwen and
GLM are a little cheaper); other text about one token per three characters.
"""
from __future__ import annotations

import re

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    if not text:
        return 0
    cjk = len(_CJK.findall(text))
    other = sum(1 for ch in text if not ch.isspace()) - cjk
    return cjk + (other + 2) // 3
