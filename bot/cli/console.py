"""The console chat: questions from the terminal or a pipe, answered as Telegram would answer them.

It is one conversation (kept in the database, so a restart continues it) and takes the same slash
commands as Telegram where they make sense for a console user: /start /help /unit /leader /item
/deadlines /sub.
"""

from __future__ import annotations

import sys

from bot.cli.textio import input_lines, write_line
from bot.dialogue import messages as dm
from bot.examples import chrome
from bot.render import render_text
from bot.runtime import Runtime

QUIT = {"exit", "quit", "退出", "再见"}
CONSOLE_KEY = "console"
# What a command's argument becomes as a question (the same as handlers/ask.py's templates).
TEMPLATES = {"ask": "{}", "unit": "{}负责哪些工作", "leader": "{}分管哪些工作", "item": "详细 {}"}
# "{leader}" is the document's leaders (区领导, 县领导 …), "{item}" one of its row numbers.
ARGUMENTS = {"ask": "问题", "unit": "单位名称", "leader": "{leader}姓名", "item": "编号（如 {item}）"}


def command_reply(runtime: Runtime, line: str) -> str | None:
    """A slash command's reply, or None when `line` is a question."""
    if not line.startswith("/"):
        return None
    command, _, argument = line[1:].partition(" ")
    command, argument = command.lower(), argument.strip()
    chat = runtime.chats
    if command == "start":
        chat.forget(CONSOLE_KEY)
        return render_text(chat.answer("你好"))
    if command == "help":
        return render_text(chat.answer("你能干啥")) + "\n" + "\n".join(dm.COMMANDS_HELP)
    if command in TEMPLATES:
        if not argument:
            words = chrome(runtime.duban)
            return dm.CONSOLE_USAGE.format(command=command, arg=ARGUMENTS[command].format(leader=words.leader,
                                                                                         item=words.item))
        return render_text(chat.reply(CONSOLE_KEY, TEMPLATES[command].format(argument)))
    if command == "deadlines":
        return render_text(chat.reply(CONSOLE_KEY, argument + "完成时限" if argument else "这个月有什么要到期"))
    if command == "sub":
        return dm.CONSOLE_NO_SUB
    return "\n".join(dm.COMMANDS_HELP)


def chat(runtime: Runtime) -> None:
    """Read questions until EOF (or 退出) and print each answer."""
    # A prompt only for a person at a terminal: never into a pipe or a file that collects the answers.
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    catalog = runtime.catalog
    if interactive:
        example = runtime.duban.examples[0] if runtime.duban.examples else ""
        print(dm.CONSOLE_HELLO.format(title=catalog.title, number=catalog.doc_number, example=example))
    if interactive:
        print("> ", end="", flush=True)
    for line in input_lines():  # bytes that are not UTF-8 are replaced and reported, never fatal
        question = line.strip()
        if question.lower() in QUIT:
            break
        if question:
            try:
                reply = command_reply(runtime, question)
                if reply is None:
                    reply = render_text(runtime.chats.reply(CONSOLE_KEY, question))
            except Exception as error:  # one bad line must not end the chat
                reply = dm.CONSOLE_ERROR.format(reason=str(error) or type(error).__name__)
            write_line(reply + "\n")
        if interactive:
            print("> ", end="", flush=True)
