"""Every sentence the Python code shows a person is marked for translation.

An AST scan of the apps' modules (not tests, migrations or management commands). Two checks:

- the places Django and this project show text (a ``Refused`` or ``ValidationError`` sentence, a
  guard's refusal, ``messages.*``, ``add_error``, form and model ``label`` / ``help_text`` /
  ``verbose_name`` / ``error_messages`` / ``empty_label``, widget ``placeholder`` / ``title`` /
  ``aria-label``, choices' labels, a Meta's ``labels`` / ``help_texts`` / ``verbose_name``) never
  hold a bare string literal, an f-string or a formatted literal: only a gettext call (or a
  value computed elsewhere);
- no other string literal that reads as words (two words, or a capitalised word) is left outside
  a gettext call in a module that shows text, except docstrings, log lines, errors meant for
  developers and the short, commented allow-list below.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ("project", "people", "journeys", "notifications", "support", "staff")

GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}

# Modules that show no person any text of their own (settings, developer tools, SQL builders).
SKIPPED_MODULES = {
    "project/settings.py",  # configuration
    "project/wsgi.py",
    "project/asgi.py",
    "project/celery.py",
    "project/devmail.py",  # /dev/emails/, a developer's tool (DEBUG only)
    "project/server_timing.py",  # a header for the developer tools
    "project/health.py",  # /health/: JSON for the monitoring, not for people
    "support/checks.py",  # system checks: messages for whoever deploys the platform
    "people/management/demo_data.py",  # demo content, not the product's words
    "journeys/demo.py",  # demo content, not the product's words
}

# --- the places that show text ----------------------------------------------------------

# Calls whose argument (by position, or keyword) is shown to a person.
SHOWN_ARGUMENTS = {
    "Refused": (0, "message"),
    "RateLimited": (0, "message"),
    "Denied": (0, "reason"),  # project.errors: the 403 page's one sentence
    "ValidationError": (0, "message"),
    "guard": (0, "refusal"),
    "add_error": (1, "error"),
}
MESSAGE_LEVELS = {"debug": 1, "info": 1, "success": 1, "warning": 1, "error": 1, "add_message": 2}
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
SHOWN_DICT_KEYWORDS = {"error_messages"}  # every value of the dict is shown
SHOWN_WIDGET_ATTRS = {"placeholder", "title", "aria-label"}
SHOWN_META = {"verbose_name", "verbose_name_plural"}
SHOWN_META_DICTS = {"labels", "help_texts", "error_messages"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}

# Errors, log lines and other text read by developers, not by the people using the platform.
DEVELOPER_CALLS = {
    "ValueError",
    "TypeError",
    "RuntimeError",
    "KeyError",
    "LookupError",
    "AssertionError",
    "NotImplementedError",
    "ImproperlyConfigured",
    "ImproperlyConfiguredError",
    "Http404",
    "PermissionDenied",
    "SuspiciousOperation",
    "SuspiciousFileOperation",
    "PermissionError",
    "CommandError",
    "TransitionNotAllowed",
    "BadHeaderError",
    "Warning",
    "Error",
    "Info",
    "print",
    "getLogger",
}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}

# SQL written in Python (the search's ranking, the rules' Q/SQL twins): its keywords in capitals.
SQL = re.compile(
    r"\b(SELECT|FROM|WHERE|JOIN|UNION ALL|ORDER BY|CASE WHEN|IS NULL|IS NOT NULL|NOT IN|DESC|ASC|AS|LIKE)\b"
)
WORDS = re.compile(r"[^\W\d_]{2,}[\s(),.:;'\"/-]*\s[\s(),.:;'\"/-]*[^\W\d_]{2,}|^[A-Z][a-z]+$")

# String literals that read as words but are not shown to anyone, by module: each a prefix of the
# literal (for an f-string, its literal parts joined), with the reason. Keep it short.
ALLOWED = {
    "journeys/rules.py": (
        "Relationship",  # apps.get_model("journeys", "Relationship")
        "Meeting",  # apps.get_model("journeys", "Meeting")
        "(SELECT count(*) FROM",  # SQL
        "SELECT r.mentor_id FROM",  # SQL
    ),
    "people/search/remembered.py": ("Lax",),  # the cookie's SameSite value
    "project/text.py": ("Cc", "Cf", "Zl", "Zp"),  # Unicode categories
    "people/search/keywords.py": ("Mn", "Mc"),  # Unicode categories (combining marks)
    # The role groups' names, stored in the database as the groups' keys (pages show ROLE_LABELS),
    # and the models it reads from the app registry.
    "project/roles.py": ("Programme managers", "Support staff", "Group", "Permission"),
    "staff/views.py": ("text/csv", 'attachment; filename="'),  # the CSV download's headers
    "staff/members/views.py": ("text/csv",),  # the member list's MIME type
    "staff/identity/views.py": ("public, max-age", "default-src"),  # the logo's Cache-Control and CSP headers
    "staff/imports/views.py": ("text/csv",),  # the problem rows' CSV: its MIME type
    "notifications/tasks.py": ("text/calendar",),  # a MIME type
    "project/errors.py": ("Allow",),  # the 405's header
    # Email headers, and the words of other mail programs that mark a quoted earlier message (matched, never shown)
    "support/inbound.py": ("To", "Cc", "From", "Precedence", "^\\s*-{2,}\\s*Original Message", "^\\s*Sent from my"),
    "people/search/results.py": ("state state-",),  # CSS classes
    "people/services.py": (
        # The erased account's stored first name ("Former" + last name "participant"): two model
        # fields that tests and past rows hold as they are; pages show the pair as a name.
        "Former",
    ),
    "staff/matching/solver.py": ("min-cost flow", "pinned pairs"),  # SolverError: a programming error, not shown
    "journeys/worksheets.py": ("Using SWOT", "Using G-STAR"),  # the Resources guides' titles, looked up
    "project/downloads.py": ("private, no-store", 'attachment; filename="', "text/csv; "),  # a download's headers
    # A Resources video's headers, and the inbound email endpoint's Authorization header
    "support/views.py": ("private, max-age=", "text/vtt; charset=", "Authorization"),
    "journeys/views/pages.py": ("private, no-store",),  # an uploaded file's Cache-Control header
    # the calendar feed's headers: Cache-Control, X-Robots-Tag, Content-Disposition, Content-Type
    "journeys/views/meetings.py": (
        "private, no-store",
        "noindex, nofollow",
        'inline; filename="',
        "text/calendar; charset",
        "text/plain; charset",
    ),
}


def modules():
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            rel = path.relative_to(BASE).as_posix()
            if "/tests/" in rel or "/migrations/" in rel or "/management/commands/" in rel:
                continue
            if rel not in SKIPPED_MODULES:
                yield rel


def _name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def is_gettext(node) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in GETTEXT


def literal_text(node):
    """The untranslated literal text an expression shows, if any: a string constant, an f-string,
    or a literal formatted with % or .format(); a gettext call, a variable or another call's
    result is not literal text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node] if re.search(r"[^\W\d_]", node.value) else []
    if isinstance(node, ast.JoinedStr):
        return [node]
    if is_gettext(node):
        return []
    if isinstance(node, ast.BinOp):
        return literal_text(node.left) + (literal_text(node.right) if isinstance(node.op, ast.Add) else [])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return literal_text(node.func.value)
    if isinstance(node, ast.IfExp):
        return literal_text(node.body) + literal_text(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [hit for value in node.values for hit in literal_text(value)]
    return []


def choices_literals(node):
    """The labels of a literal list of (value, label) pairs."""
    hits = []
    if isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            if isinstance(item, ast.Starred):
                continue
            if isinstance(item, (ast.Tuple, ast.List)) and len(item.elts) == 2:
                hits += literal_text(item.elts[1])
    return hits


class Scan(ast.NodeVisitor):
    def __init__(self, tree):
        self.shown = []  # (node, why)
        self.constants = {}  # module-level NAME = [...] (for choices=NAME)
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                self.constants[stmt.targets[0].id] = stmt.value

    def add(self, nodes, why):
        self.shown += [(node, why) for node in nodes]

    def visit_Call(self, node):
        name = _name(node.func)
        if name in SHOWN_ARGUMENTS:
            position, keyword = SHOWN_ARGUMENTS[name]
            if len(node.args) > position:
                self.add(literal_text(node.args[position]), f"{name}(...)")
            for kw in node.keywords:
                if kw.arg == keyword:
                    self.add(literal_text(kw.value), f"{name}({keyword}=...)")
        if (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "messages"
            and name in MESSAGE_LEVELS
            and len(node.args) > MESSAGE_LEVELS[name]
        ):
            self.add(literal_text(node.args[MESSAGE_LEVELS[name]]), f"messages.{name}(...)")
        if name and name.endswith("Field") and node.args and name[0].isupper():
            self.add(literal_text(node.args[0]), f"{name}(verbose name)")
        for kw in node.keywords:
            if kw.arg in SHOWN_KEYWORDS:
                self.add(literal_text(kw.value), f"{kw.arg}=")
            elif kw.arg in SHOWN_DICT_KEYWORDS and isinstance(kw.value, ast.Dict):
                self.add([hit for value in kw.value.values for hit in literal_text(value)], f"{kw.arg}=")
            elif kw.arg == "attrs" and isinstance(kw.value, ast.Dict):
                for key, value in zip(kw.value.keys, kw.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in SHOWN_WIDGET_ATTRS:
                        self.add(literal_text(value), f"attrs[{key.value!r}]")
            elif kw.arg == "choices":
                values = [kw.value]
                if isinstance(kw.value, (ast.List, ast.Tuple)):
                    values += [e.value for e in kw.value.elts if isinstance(e, ast.Starred)]
                for value in values:
                    if isinstance(value, ast.Name) and value.id in self.constants:
                        value = self.constants[value.id]
                    self.add(choices_literals(value), "choices=")
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        bases = {_name(base) for base in node.bases}
        for stmt in node.body:
            if not isinstance(stmt, ast.Assign):
                continue
            targets = {t.id for t in stmt.targets if isinstance(t, ast.Name)}
            if bases & CHOICES_BASES and isinstance(stmt.value, ast.Tuple) and len(stmt.value.elts) >= 2:
                self.add(literal_text(stmt.value.elts[-1]), f"{node.name} choice label")
            if node.name == "Meta":
                if targets & SHOWN_META:
                    self.add(literal_text(stmt.value), "Meta.verbose_name")
                if targets & SHOWN_META_DICTS and isinstance(stmt.value, ast.Dict):
                    self.add([hit for v in stmt.value.values for hit in literal_text(v)], "Meta labels")
        self.generic_visit(node)


def describe(node) -> str:
    if isinstance(node, ast.Constant):
        return repr(node.value[:70])
    return "an f-string" if isinstance(node, ast.JoinedStr) else ast.unparse(node)[:70]


def shown_untranslated(source: str) -> list[str]:
    scan = Scan(tree := ast.parse(source))
    scan.visit(tree)
    return [f"line {node.lineno}: {why} {describe(node)}" for node, why in scan.shown]


def _skipped_ids(tree) -> set[int]:
    """Docstrings, and everything inside gettext calls, developer errors and log lines."""
    skipped = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            skipped.add(id(body[0].value))
        if isinstance(node, ast.Call):
            name = _name(node.func)
            is_log = (
                isinstance(node.func, ast.Attribute)
                and name in LOG_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("log", "logger", "logging")
            )
            if name in GETTEXT or name in DEVELOPER_CALLS or is_log:
                skipped |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.Subscript):  # a key looked up (styles["Normal"]), never shown
            skipped.add(id(node.slice))
        if isinstance(node, ast.Dict):  # keys name things ({"Email": Notification.Email}); values may be shown
            skipped |= {id(key) for key in node.keys if key is not None}
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            skipped |= {id(n) for n in ast.walk(node.value)}
    return skipped


def untranslated_markup(text: str) -> list[str]:
    from .test_i18n_templates import Reader

    reader = Reader()
    reader.feed(text)
    reader.close()
    return reader.found


def wordy_untranslated(source: str, module: str) -> list[str]:
    tree = ast.parse(source)
    skipped = _skipped_ids(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            skipped |= {id(v) for v in node.values}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if id(node) in skipped or not WORDS.search(text) or SQL.search(text):
            continue
        if "<" in text and ">" in text:  # markup built in Python: only its text and read attributes count
            found += [f"line {node.lineno}: {words!r} in markup" for words in untranslated_markup(text)]
            continue
        if text.startswith(ALLOWED.get(module, ())):
            continue
        found.append(f"line {node.lineno}: {text[:80]!r}")
    return found


@pytest.mark.parametrize("module", list(modules()))
def test_shown_text_is_translated(module):
    found = shown_untranslated((BASE / module).read_text(encoding="utf-8"))
    assert not found, f"{module} shows text that is not marked for translation: {found}"


@pytest.mark.parametrize("module", list(modules()))
def test_no_untranslated_words(module):
    found = wordy_untranslated((BASE / module).read_text(encoding="utf-8"), module)
    assert not found, f"{module} has words outside gettext (wrap them, or allow-list what no one reads): {found}"


EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def misused_gettext(source: str) -> list[str]:
    """A gettext (not lazy) call run at import time translates once, into whatever language is
    active then; and a module that calls ``_`` must not rebind ``_`` (``profile, _ = ...``), which
    would make ``_("...")`` in the same function call something else."""
    tree = ast.parse(source)
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
    found = []

    def visit(node, in_function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for decorator in getattr(node, "decorator_list", []):
                visit(decorator, in_function)
            for default in node.args.defaults + node.args.kw_defaults:
                if default is not None:
                    visit(default, in_function)
            for child in node.body if isinstance(node.body, list) else [node.body]:
                visit(child, True)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if aliases.get(node.func.id) in EAGER and not in_function:
                found.append(f"line {node.lineno}: {node.func.id}() runs at import time: use gettext_lazy")
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store) and "_" in aliases:
            found.append(f"line {node.lineno}: _ is rebound, but it is gettext here")
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return found


@pytest.mark.parametrize("module", list(modules()))
def test_gettext_is_used_where_it_works(module):
    found = misused_gettext((BASE / module).read_text(encoding="utf-8"))
    assert not found, f"{module}: {found}"


def test_the_scan_finds_what_it_should():
    assert shown_untranslated('raise Refused("Not now.")') == ["line 1: Refused(...) 'Not now.'"]
    assert shown_untranslated('raise Refused(f"Not {x}.")') == ["line 1: Refused(...) an f-string"]
    assert shown_untranslated('raise Refused("Not %s." % x)') == ["line 1: Refused(...) 'Not %s.'"]
    assert shown_untranslated('raise Refused(_("Not %(x)s.") % {"x": x})') == []
    assert shown_untranslated('messages.success(request, "Saved.")') == ["line 1: messages.success(...) 'Saved.'"]
    assert shown_untranslated('messages.success(request, _("Saved."))') == []
    assert shown_untranslated('f = forms.CharField(label="Name", help_text=_("Yours"))') == ["line 1: label= 'Name'"]
    assert shown_untranslated('f = models.TextField("personal statement")') == [
        "line 1: TextField(verbose name) 'personal statement'"
    ]
    assert shown_untranslated('class K(models.TextChoices):\n    A = "a", "Apple"') == [
        "line 2: K choice label 'Apple'"
    ]
    assert shown_untranslated('D = [(1, "One")]\nf = forms.ChoiceField(choices=[("", "-"), *D])') == [
        "line 1: choices= 'One'"
    ]
    assert shown_untranslated('class Meta:\n    verbose_name = "case"') == ["line 2: Meta.verbose_name 'case'"]
    assert wordy_untranslated('"""Doc string here."""\nx = "Two words"\ny = _("Fine words")', "m") == [
        "line 2: 'Two words'"
    ]
    assert wordy_untranslated('raise ValueError("for developers")\nlog.info("a log line")', "m") == []
    eager = "from django.utils.translation import gettext as _\n"
    assert misused_gettext(eager + '@guard(_("No."))\ndef f(): return _("Yes.")') == [
        "line 2: _() runs at import time: use gettext_lazy"
    ]
    assert misused_gettext(eager + "def f():\n    profile, _ = make()\n    return _('x')") == [
        "line 3: _ is rebound, but it is gettext here"
    ]
    assert misused_gettext("from django.utils.translation import gettext_lazy as _\nX = _('Fine.')") == []
    assert wordy_untranslated('sql = f"SELECT id FROM {t} WHERE active"', "m") == []
    assert wordy_untranslated("""html = f'<option value="{v}">{label}</option>'""", "m") == []
    assert wordy_untranslated("""html = f'<p title="Some words">{x} and more</p>'""", "m") == [
        "line 1: '<p title=\"Some words\">' in markup",
        "line 1: 'and more' in markup",
    ]
