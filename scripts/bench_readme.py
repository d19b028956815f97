"""Writes the README's measurement tables from the benchmarks' output, with each budget and
whether it is met, so that a figure in the README is always the last run's.

    python3 scripts/bench_readme.py DIR [README.md]

DIR holds what scripts/bench.sh collected: app.md (scripts/bench.py's tables), one
NAME.RUN.md per server benchmark run (the examples' Markdown rows; machine.RUN.md: this
machine's speed before and after the run, scripts/bench_machine.sh) and signin-page.md (the
sign-in page in Chromium). The tables replace what
stands between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in the README; the prose
around them is left alone.
"""
import datetime, glob, os, re, sys

# (operation starts with, load contains, measure, comparison, limit, shown as). A row of the
# benchmarks' output that matches gets the budget; the worst of the runs decides.
BUDGETS = [
    ("TOTP verification", "closed loop", "throughput", ">=", 2000, "≥ 2,000/s"),
    ("TOTP verification", "open loop", "p99", "<", 20, "p99 < 20 ms at 1,200/s"),
    ("TOTP enrollment", "open loop", "p99", "<", 20, "p99 < 20 ms at 1,200/s"),
    ("posture report, SQLite", "clients", "throughput", ">=", 5000, "≥ 5,000/s"),
    ("posture report, PostgreSQL", "clients", "throughput", ">=", 3000, "≥ 3,000/s (fsync on)"),
    ("server peak resident memory during the burst", "", "value", "<", 200, "< 200 MB"),
    ("server peak resident memory", "", "value", "<", 60, "< 60 MB"),
    ("server resident memory after", "", "value", "<", 60, "< 60 MB"),
    ("sign-in, code flow", "clients", "throughput", ">=", 500, "≥ 500/s"),
    ("sign-in, code flow", "clients", "p99", "<", 50, "p99 < 50 ms"),
    ("dashboard JSON", "users", "p99", "<", 200, "< 200 ms"),
    ("dashboard page", "users", "p99", "<", 200, "< 200 ms"),
]


def number(cell):
    m = re.search(r"-?[\d,]+(\.\d+)?", cell.replace(",", ""))
    return float(m.group(0)) if m else None


def rows_of(path):
    """The data rows of the Markdown tables in a file, as lists of cells."""
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("operation", "what", "measure", "server request", "clock shifted by (faketime)"):
            continue
        out.append(cells)
    return out


def server_table(directory):
    """One row per operation and load, each run's figures side by side, with its budget."""
    runs = {}
    order = []
    rank = {"machine": -1, "totp": 0, "webauthn": 1, "signin": 2, "reports": 3, "memory": 4, "mixed": 5}
    paths = glob.glob(os.path.join(directory, "*.*.md"))
    paths.sort(key=lambda p: (rank.get(os.path.basename(p).split(".")[0], 9), p))
    for path in paths:
        name, run = os.path.basename(path).split(".")[:2]
        for cells in rows_of(path):
            if len(cells) < 7 or not any(cells[1:]):
                continue  # a diagnostic line (mean batch sizes, time per batch): in the raw output
            key = (name, cells[0], cells[1])
            if key not in runs:
                runs[key] = []
                order.append(key)
            runs[key].append(cells)
    lines = ["| operation | load | throughput | p50 | p99 | budget |", "|---|---|---|---|---|---|"]
    verdicts = []
    for key in order:
        _, op, load = key
        rs = runs[key]
        if not rs[0][4]:  # a single figure (memory) or a note (mean batch sizes)
            figure = "; ".join(r[3] for r in rs if r[3])
            lines.append(f"| {op} | {load} | {figure} | | | {budget_cell(op, load, rs, verdicts)} |")
            continue
        col = lambda i: "; ".join(r[i] for r in rs)
        lines.append(f"| {op} | {load} | {col(3)} | {col(4)} | {col(5)} | {budget_cell(op, load, rs, verdicts)} |")
    return "\n".join(lines), verdicts


def budget_cell(op, load, rs, verdicts):
    """Every budget the row falls under, each with whether the worst run met it."""
    cells = []
    matching = [b for b in BUDGETS if op.startswith(b[0]) and b[1] in load]
    # Of budgets on the same measure, the most specific (the longest prefix) applies.
    matching = [b for b in matching if not any(o[2] == b[2] and len(o[0]) > len(b[0]) for o in matching)]
    for prefix, load_part, measure, cmp, limit, shown in matching:
        index = {"throughput": 3, "p99": 5, "value": 3}[measure]
        values = [number(r[index]) for r in rs]
        if any(v is None for v in values):
            cells.append(f"{shown}: no figure")
            continue
        worst = min(values) if cmp == ">=" else max(values)
        met = worst >= limit if cmp == ">=" else worst < limit
        verdicts.append((f"{op} ({load}): {shown}", met))
        cells.append(f"{shown}: {'met' if met else '**not met**'}")
    return "; ".join(cells)


def app_table(directory):
    path = os.path.join(directory, "app.md")
    if not os.path.exists(path):
        return None, None
    text = open(path, encoding="utf-8").read().strip()
    tables = [t for t in re.split(r"\n\s*\n", text) if t.lstrip().startswith("|")]
    return (tables[0] if tables else None), (tables[1] if len(tables) > 1 else None)


def replace(readme, name, body):
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if not pattern.search(readme):
        sys.exit(f"{begin} ... {end} is missing from the README")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", readme)


def main():
    directory = sys.argv[1]
    readme_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "README.md")
    readme = open(readme_path, encoding="utf-8").read()
    today = datetime.date.today().isoformat()
    runs = len({os.path.basename(p).split(".")[1] for p in glob.glob(os.path.join(directory, "*.*.md"))})
    verdicts = []
    if runs:  # none with BENCH_SKIP_SERVER=1: the server's tables stay as they are
        server, verdicts = server_table(directory)
        readme = replace(readme, "server", f"Measured on {today}; {runs} run(s), separated by `;`, the worst decides.\n\n{server}")
    app, clock = app_table(directory)
    if app:
        readme = replace(readme, "app", f"Measured on {today}.\n\n{app}")
    if clock:
        readme = replace(readme, "clock", clock)
    page = os.path.join(directory, "signin-page.md")
    if os.path.exists(page):
        readme = replace(readme, "signin-page", f"Measured on {today}.\n\n{open(page, encoding='utf-8').read().strip()}")
    join = os.path.join(directory, "sso-join.md")
    if os.path.exists(join):
        readme = replace(readme, "sso-join", f"Measured on {today}.\n\n{open(join, encoding='utf-8').read().strip()}")
    open(readme_path, "w", encoding="utf-8").write(readme)
    for what, met in verdicts:
        print(f"{'met    ' if met else 'NOT MET'}  {what}")


if __name__ == "__main__":
    main()
