"""The console chat: questions from the terminal or a pipe, answered as Telegram would answer them."""

from __future__ import annotations

import sys

from bot.cli.ask import answer_lines
from bot.runtime import Runtime

QUIT = {"exit", "quit", "退出", "再见"}


def chat(runtime: Runtime) -> None:
    """Read questions until EOF (or 退出) and print each answer."""
    interactive = sys.stdin.isatty()
    catalog = runtime.catalog
    if interactive:
        print(f"督办助手 · {catalog.title}（{catalog.doc_number}）\n输入问题，例如：区民政局负责哪些民生实事；输入“退出”结束。")
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            break
        question = line.strip()
        if question.lower() in QUIT:
            break
        if not question:
            continue
        for output in answer_lines(runtime, [question], as_json=False):
            print(output, flush=True)
