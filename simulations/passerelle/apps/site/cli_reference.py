"""The command-line reference, generated from the typer app by click introspection: every
command and sub-command with its usage, help, arguments and options."""

from __future__ import annotations

import typer

from passerelle.apps.site.markdown import table

WORDS = {
    "fr": {
        "title": "Ligne de commande",
        "intro": ("Produite à partir de l'application typer (`passerelle.apps.cli.app`) à "
                  "chaque construction du site. Les textes d'aide sont ceux du code "
                  "(en anglais). `passerelle COMMANDE --help` affiche la même chose."),
        "usage": "Utilisation", "parameter": "paramètre", "help": "aide", "colon": " :",
    },
    "en": {
        "title": "Command line",
        "intro": ("Produced from the typer app (`passerelle.apps.cli.app`) at every build "
                  "of the site. `passerelle COMMAND --help` prints the same."),
        "usage": "Usage", "parameter": "parameter", "help": "help", "colon": ":",
    },
}


def _parameter(param, context) -> list[str]:
    """Names and help of a parameter as ``--help`` prints them (with default and
    whether it is required)."""
    record = param.get_help_record(context)
    if record is None:
        return [f"`{param.name.upper()}`", ""]
    names, helptext = record
    return [f"`{names}`", helptext]


def _sections(command, path: list[str], depth: int,
              words: dict[str, str]) -> list[str]:
    context = command.context_class(command, info_name=" ".join(path))
    parts = [f"{'#' * depth} `{' '.join(path)}`", ""]
    helptext = (command.help or "").strip()
    if helptext:
        parts += [helptext.split("\f")[0].strip(), ""]
    usage = " ".join([*path, *command.collect_usage_pieces(context)])
    parts += [f"{words['usage']}{words['colon']}", "", "```console", f"$ {usage}", "```", ""]
    params = [p for p in command.params if not getattr(p, "hidden", False)
              and p.name not in ("help",)]
    if params:
        parts += [table([words["parameter"], words["help"]],
                        [_parameter(p, context) for p in params]), ""]
    if hasattr(command, "list_commands"):  # a group (typer's own or click's)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                parts += _sections(sub, [*path, name], min(depth + 1, 4), words)
    return parts


def page(language: str) -> str:
    """The CLI reference page in ``language``."""
    from passerelle.apps.cli import app

    words = WORDS[language]
    command = typer.main.get_command(app)
    return "\n".join([f"# {words['title']}", "", words["intro"], "",
                      *_sections(command, ["passerelle"], 2, words)])
