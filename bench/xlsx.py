"""XLSX tally against python-calamine's own read of the same file, side by side in one run.

    python bench/xlsx.py [--ballots 100000,300000] [--reps 3] [--data bench/data] [--floor] [--variants]

For each size it makes (once, the same bytes every run) the benchmark round of
`make_data.py` with N ballots, its `wide.csv`, and `wide.xlsx`: the same marks as a workbook
the way Excel saves one (shared strings, a blank cell absent), written directly with
zipfile (openpyxl's writer takes minutes at 300,000 rows and writes inline strings, which
Excel never does). Then, each as a fresh process, back to back in every repetition:

  calamine   python-calamine opens the workbook and reads every row of the sheet (the
             reference; `pip install python-calamine` into the interpreter running this)
  read       selector's reader alone (`tables.open_table` and every row, as a tally reads
             them; no database): the reader's share of the tally
  xlsx       `python -m selector tally rec1 wide.xlsx` into a fresh database
  csv        `python -m selector tally rec1 wide.csv` of the same marks, fresh database

With --variants, also the same workbook as clerks' sheets also come — its ballot numbers
typed as numbers (`wide-numbers.xlsx`), or a tenth of the posts' cells blank
(`wide-blanks.xlsx`, rows of many layouts) — each read by calamine and tallied.

With --floor, also (issue 17's question whether reading small sheets with python-calamine
would bring the tally within 1.5× of calamine's read):

  load       python-calamine parses the sheet into its own memory, no Python row made
  texts      python-calamine's rows turned into the cell texts a tally reads (what a
             calamine path in selector's reader would at least cost)
  csvread    selector's reader alone on wide.csv: with the CSV tally, what a tally spends
             beyond reading its rows

and the floor of a tally whose rows came from calamine: load + (csv tally − csvread), both
÷ calamine, and the same with texts in place of load.

It prints best and median wall times, the median of the paired ratios (xlsx ÷ calamine,
xlsx ÷ csv, each pair run next to each other, so a shared machine's load hits both), and
each one's peak RSS (from wait4). Targets (issue 17): at 100,000 ballots xlsx ≤ 1.5×
calamine; at 300,000 ballots the tally's peak RSS ≤ 200 MiB. Exit 1 if one is missed.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_data  # noqa: E402
from tally_vs_sqlite import selector, selector_env, timed  # noqa: E402

STAMP = (2011, 5, 1, 0, 0, 0)  # every part's date in the zip: the same bytes every run
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '</Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS} xmlns:r="{REL}">'
        '<sheets><sheet name="选票" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        '</Relationships>',
    "xl/styles.xml":
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {NS}>'
        '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def column(n: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _part(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(wide: Path, out: Path, ballots: int) -> None:
    """`wide` (a CSV) as a one-sheet workbook as Excel saves it: every text a shared string,
    a blank cell left out, `<row r spans>` and `<c r t>` as Excel writes them."""
    strings: dict[str, int] = {}
    tmp = out.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, text in PARTS.items():
            z.writestr(zipfile.ZipInfo(name, STAMP), text, zipfile.ZIP_DEFLATED)
        with open(wide, newline="", encoding="utf-8") as f, \
                z.open(_part("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as sheet:
            rows = csv.reader(f)
            header = next(rows)
            letters = [column(i) for i in range(1, len(header) + 1)]
            sheet.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'
                        f'<dimension ref="A1:{letters[-1]}{ballots + 1}"/><sheetData>'.encode())
            for r, cells in enumerate(itertools.chain([header], rows), 1):
                parts = [f'<row r="{r}" spans="1:{len(letters)}">']
                for letter, text in zip(letters, cells):
                    if text:
                        i = strings.setdefault(text, len(strings))
                        parts.append(f'<c r="{letter}{r}" t="s"><v>{i}</v></c>')
                parts.append("</row>")
                sheet.write("".join(parts).encode())
            sheet.write(b"</sheetData></worksheet>")
        shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        z.writestr(zipfile.ZipInfo("xl/sharedStrings.xml", STAMP),
                   f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {NS} '
                   f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>', zipfile.ZIP_DEFLATED)
    tmp.replace(out)


def files(data: Path, ballots: int) -> dict[str, Path]:
    """The round, wide.csv and wide.xlsx of `ballots` ballots in data/xlsx-N (made once)."""
    out = data / f"xlsx-{ballots}"
    made = {"round": out / "bench.toml", "csv": out / "wide.csv", "xlsx": out / "wide.xlsx"}
    if not made["xlsx"].exists():
        print(f"making {out} …", file=sys.stderr)
        built = make_data.build(out, ballots)
        built["long"].unlink()  # only the wide layout has a workbook twin
        write_xlsx(made["csv"], made["xlsx"], ballots)
    return made


VARIANTS = ("numbers", "blanks")
_BALLOT_CELL = re.compile(rb'<c r="A([0-9]+)" t="s"><v>[0-9]+</v></c>')
_POST_CELL = re.compile(rb'<c r="(?:[B-Z]|A[A-Z])([0-9]+)" t="s"><v>[0-9]+</v></c>')


def variant(xlsx: Path, kind: str) -> Path:
    """`xlsx` as clerks' sheets also come (made once, the same bytes every run): its ballot
    numbers typed as numbers (row r's number r − 1, "numbers"), or a tenth of the posts'
    cells left blank, drawn with a fixed seed ("blanks": rows of many layouts)."""
    out = xlsx.with_name(f"wide-{kind}.xlsx")
    if out.exists():
        return out
    draw = random.Random(7).random
    if kind == "numbers":
        def change(m):
            return m.group(0) if m.group(1) == b"1" else b'<c r="A%s"><v>%d</v></c>' % (m.group(1), int(m.group(1)) - 1)
        cells = _BALLOT_CELL
    else:
        def change(m):
            return m.group(0) if m.group(1) == b"1" or draw() >= 0.1 else b""
        cells = _POST_CELL
    tmp = out.with_suffix(".part")
    with zipfile.ZipFile(xlsx) as z, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as w:
        for info in z.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                w.writestr(info, z.read(info.filename))
                continue
            # a block at a time, cut after a row (this process's memory is every child's floor)
            with z.open(info) as sheet, w.open(_part(info.filename), "w", force_zip64=True) as changed:
                rest = b""
                while block := sheet.read(1 << 20):
                    rest += block
                    cut = rest.rfind(b"</row>") + 6
                    changed.write(cells.sub(change, rest[:cut]))
                    rest = rest[cut:]
                changed.write(cells.sub(change, rest))
    tmp.replace(out)
    return out


CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
rows = 0
for row in CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows():
    rows += 1
print(rows)
"""

READ = """
import sys
from selector.readers.tables import open_table
with open_table(sys.argv[1]) as table:
    rows = sum(1 for _ in table.rows)
print(rows)
"""


LOAD = """
import sys
from python_calamine import CalamineWorkbook
print(CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).height)
"""

TEXTS = """
import sys
from python_calamine import CalamineWorkbook
from selector.readers.tables import _cell_text
rows = 0
for values in CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows():
    cells = [v if v.__class__ is str else _cell_text(v) for v in values]
    rows += 1
print(rows)
"""


def summary(values: list[float]) -> str:
    return f"best {min(values):6.2f} s  median {statistics.median(values):6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", default="100000,300000", help="sizes, comma-separated")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--data", default=str(HERE / "data"),
                        type=lambda p: str(Path(p).resolve()))  # the runs change directory
    parser.add_argument("--floor", action="store_true", help="also time calamine's load and texts, and the "
                        "CSV reader alone (the floor of a tally reading rows with calamine)")
    parser.add_argument("--variants", action="store_true", help="also the same marks with the ballot numbers "
                        "typed as numbers, and with a tenth of the posts' cells blank: calamine and the tally")
    args = parser.parse_args()
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        sys.exit("the reference needs python-calamine in this interpreter: pip install python-calamine")
    from importlib.metadata import version

    sizes = [int(n) for n in args.ballots.split(",")]
    print(f"python {sys.version.split()[0]}; python-calamine {version('python-calamine')}; "
          f"openpyxl {version('openpyxl')}; {args.reps} repetitions; {make_data.POSTS} posts")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "src" / "selector")], check=True)
    failed = False
    for ballots in sizes:
        made = files(Path(args.data), ballots)
        n = str(ballots)
        runs: dict[str, list[tuple[float, int]]] = {"calamine": [], "read": [], "xlsx": [], "csv": []}
        with tempfile.TemporaryDirectory(prefix="selector-xlsx-") as tmp:
            tmp = Path(tmp)
            for i in range(args.reps):  # interleaved: each ratio pairs runs made back to back
                runs["calamine"].append(timed([sys.executable, "-c", CALAMINE, str(made["xlsx"])], cwd=tmp))
                runs["read"].append(timed([sys.executable, "-c", READ, str(made["xlsx"])],
                                          env=selector_env(tmp / "unused.db"), cwd=tmp))
                if args.floor:
                    for kind, script, data in (("load", LOAD, "xlsx"), ("texts", TEXTS, "xlsx"),
                                               ("csvread", READ, "csv")):
                        runs.setdefault(kind, []).append(
                            timed([sys.executable, "-c", script, str(made[data])],
                                  env=selector_env(tmp / "unused.db"), cwd=tmp))
                sheets = {"xlsx": made["xlsx"], "csv": made["csv"]}
                for kind in VARIANTS if args.variants else ():
                    sheets[kind] = variant(made["xlsx"], kind)
                    runs.setdefault(f"calamine {kind}", []).append(
                        timed([sys.executable, "-c", CALAMINE, str(sheets[kind])], cwd=tmp))
                for kind, sheet in sheets.items():
                    db = tmp / f"{kind}{i}.db"
                    env = selector_env(db)
                    timed(selector("init", str(made["round"])), env=env, cwd=tmp)
                    runs.setdefault(kind, []).append(timed(selector("tally", "rec1", str(sheet), "--present", n,
                                                                    "--issued", n), env=env, cwd=tmp))
                    db.unlink()
        size = made["xlsx"].stat().st_size / (1 << 20)
        print(f"\n{ballots:,} ballots × {make_data.POSTS} posts ({ballots * make_data.POSTS:,} cells; "
              f"wide.xlsx {size:.1f} MB, wide.csv {made['csv'].stat().st_size / (1 << 20):.1f} MB)")
        wall = {k: [w for w, _ in v] for k, v in runs.items()}
        mib = {k: max(r for _, r in v) / 1024 for k, v in runs.items()}
        to_cal = statistics.median(x / c for x, c in zip(wall["xlsx"], wall["calamine"]))
        to_csv = statistics.median(x / c for x, c in zip(wall["xlsx"], wall["csv"]))
        csv_cal = statistics.median(x / c for x, c in zip(wall["csv"], wall["calamine"]))
        read_cal = statistics.median(x / c for x, c in zip(wall["read"], wall["calamine"]))
        print(f"  {'python-calamine read (reference)':34s} {summary(wall['calamine'])}  peak RSS {mib['calamine']:5.0f} MiB")
        print(f"  {'selector reader alone (no tally)':34s} {summary(wall['read'])}  peak RSS {mib['read']:5.0f} MiB")
        print(f"  {'selector tally wide.xlsx':34s} {summary(wall['xlsx'])}  peak RSS {mib['xlsx']:5.0f} MiB")
        print(f"  {'selector tally wide.csv':34s} {summary(wall['csv'])}  peak RSS {mib['csv']:5.0f} MiB")
        print(f"  xlsx ÷ calamine {to_cal:4.2f}×   xlsx ÷ csv {to_csv:4.2f}×   csv ÷ calamine {csv_cal:4.2f}×   "
              f"reader ÷ calamine {read_cal:4.2f}×  (medians of paired runs)")
        for kind in VARIANTS if args.variants else ():
            ratio = statistics.median(x / c for x, c in zip(wall[kind], wall[f"calamine {kind}"]))
            print(f"  {'ballot numbers typed as numbers' if kind == 'numbers' else 'a tenth of the cells blank':34s} "
                  f"calamine {summary(wall[f'calamine {kind}'])}; tally {summary(wall[kind])}  "
                  f"peak RSS {mib[kind]:5.0f} MiB  tally ÷ calamine {ratio:4.2f}×")
        if args.floor:
            def paired(kind: str) -> float:
                return statistics.median(x / c for x, c in zip(wall[kind], wall["calamine"]))

            rest = statistics.median((t - r) / c for t, r, c
                                     in zip(wall["csv"], wall["csvread"], wall["calamine"]))
            for kind, label in (("load", "calamine load alone (no rows)"), ("texts", "calamine rows as cell texts"),
                                ("csvread", "selector reader alone, wide.csv")):
                print(f"  {label:34s} {summary(wall[kind])}  peak RSS {mib[kind]:5.0f} MiB  "
                      f"÷ calamine {paired(kind):4.2f}×")
            print(f"  a tally beyond its reading (csv tally − csv read) ÷ calamine {rest:4.2f}×: floor of a "
                  f"tally reading with calamine {paired('load') + rest:4.2f}× (load) · "
                  f"{paired('texts') + rest:4.2f}× (texts)")
        if ballots == 100_000:
            ok = to_cal <= 1.5
            failed |= not ok
            print(f"  target xlsx ≤ 1.5× calamine at 100,000 ballots: {'ok' if ok else 'MISSED'}")
        if ballots == 300_000:
            ok = mib["xlsx"] <= 200
            failed |= not ok
            print(f"  target peak RSS ≤ 200 MiB at 300,000 ballots: {'ok' if ok else 'MISSED'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
