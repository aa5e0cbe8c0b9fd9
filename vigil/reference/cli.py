"""The ``vigil`` command's reference, written from the same argparse parsers that parse the command line."""

from __future__ import annotations

import argparse

from vigil.cli.main import COMMANDS, build_parser

_HEADER = """# CLI reference

Generated from the `vigil` command's own argument parsers when the site is built, so it lists exactly what
`vigil COMMAND --help` accepts. Exit codes everywhere: 0 success, 1 the command ran and found problems, 2 usage
errors (a bad option, no project, no such stack: every command that takes `--stack` checks it first). Output cut
short by its reader (`vigil test | head`) ends the command quietly with exit 141, like other Unix tools killed by
SIGPIPE. Commands that read a project find it from the current directory like git finds a repository, or take
`--project PROJECT`.
"""


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help_lines(sub: argparse._SubParsersAction[argparse.ArgumentParser] | None) -> dict[str, str]:
    if sub is None:
        return {}
    return {choice.dest: str(choice.help or "") for choice in sub._choices_actions}


def _option_row(action: argparse.Action) -> str:
    names = ", ".join(f"`{name}`" for name in action.option_strings) or f"`{action.metavar or action.dest}`"
    if action.option_strings and action.nargs != 0:
        metavar = action.metavar or action.dest.upper()
        names += f" `{metavar if isinstance(metavar, str) else ' '.join(metavar)}`"
    help_text = (action.help or "").replace("|", "\\|").replace("\n", " ")
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        help_text += " (one of: " + ", ".join(f"`{c}`" for c in action.choices) + ")"
    if action.default not in (None, False, argparse.SUPPRESS) and "default" not in help_text:
        help_text += f" (default: `{action.default}`)"
    required = "yes" if action.required or (not action.option_strings and action.nargs not in ("?", "*")) else ""
    return f"| {names} | {required} | {help_text} |"


def command_section(name: str, parser: argparse.ArgumentParser, summary: str = "") -> str:
    """One command: its usage line, description and a table of its arguments."""
    usage = parser.format_usage().strip().removeprefix("usage: ")
    lines = [f"## `vigil {name}`", ""]
    if summary:
        lines += [summary[:1].upper() + summary[1:] + ".", ""]
    lines += ["```text", usage, "```", ""]
    if parser.description and parser.description != summary:
        lines += [parser.description, ""]
    rows = [_option_row(a) for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    if rows:
        lines += ["| argument | required | meaning |", "|---|---|---|", *rows, ""]
    if parser.epilog:
        lines += [parser.epilog, ""]
    return "\n".join(lines)


def cli_reference() -> str:
    """Markdown for every available ``vigil`` sub-command, in the order of :data:`vigil.cli.main.COMMANDS`."""
    parser = build_parser()
    subs = _subparsers(parser)
    action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    helps = _help_lines(action)
    sections = [command_section(name, subs[name], helps.get(name, "")) for name in COMMANDS if name in subs]
    sections += [command_section(name, p, helps.get(name, "")) for name, p in subs.items() if name not in COMMANDS]
    return _HEADER + "\n" + "\n".join(sections)
