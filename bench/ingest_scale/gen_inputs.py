"""Generates the ingest_scale inputs from the shipped files, at run time (never committed).

Usage: python gen_inputs.py --data DIR --out DIR [--ged-copies 15] [--acled-rows 2500000] [--force]

- ged_x15.csv: the global GED file (UCDP GED 21.1, 14-column reduced layout, 167,543 rows)
  written 15 times under one header; copy k (0-based) has every id replaced by
  id + k * 1,000,000 (GED ids are below 1,000,000), so ids stay unique and numeric. The
  rows are otherwise as shipped (CRLF line ends kept). 2,513,145 rows, about 327 MB.
- acled_like.csv: `--acled-rows` rows in the current ACLED export layout, made from the four
  INVENTED rows of fixtures/acled/acled_examples.csv (ACLED's terms forbid shipping real
  rows; these may be repeated for a benchmark, never ingested into an analysis store). Row n
  (0-based) is fixture row n % 4 with event_id_cnty = XMP{n + 1} and its latitude/longitude
  moved by a deterministic offset ((n * 7919) % 2001 - 1000) / 10,000 degrees and
  ((n * 104729) % 2001 - 1000) / 10,000 degrees, written with 4 decimals, so the coordinates
  vary as in a real export. Everything else (quoted notes with commas and doubled quotes)
  as in the fixture.

Files are written to a temporary name and renamed, and kept between runs (regenerated when
missing or with --force).
"""

import argparse
import csv
import io
import os
from pathlib import Path

GED_RELATIVE = "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"
ACLED_FIXTURE = "acled/acled_examples.csv"
GED_ID_STRIDE = 1_000_000


def gen_ged(src: Path, dst: Path, copies: int) -> int:
    raw = src.read_bytes()
    header_end = raw.index(b"\n") + 1
    header, body = raw[:header_end], raw[header_end:]
    lines = body.splitlines(keepends=True)
    ids, rests = [], []
    for line in lines:
        comma = line.index(b",")
        ids.append(int(line[:comma]))
        rests.append(line[comma:])
    if max(ids) >= GED_ID_STRIDE:
        raise SystemExit(f"{src}: an id is {max(ids)}, not below {GED_ID_STRIDE}: choose a larger stride")
    tmp = dst.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        out.write(header)
        for k in range(copies):
            offset = k * GED_ID_STRIDE
            out.write(b"".join(b"%d%s" % (i + offset, r) for i, r in zip(ids, rests)))
    os.replace(tmp, dst)
    return len(lines) * copies


def gen_acled(fixture: Path, dst: Path, rows: int) -> int:
    text = fixture.read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text)))
    header, examples = records[0], records[1:]
    i_id, i_lat, i_lon = header.index("event_id_cnty"), header.index("latitude"), header.index("longitude")
    if (i_id, i_lat + 1) != (0, i_lon):
        raise SystemExit(f"{fixture}: expected event_id_cnty first and longitude right after latitude")

    def quoted(fields):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(fields)
        return buf.getvalue()

    # Each example as: the text between the id and the latitude, and the text after the longitude.
    parts = []
    for r in examples:
        middle = quoted(r[1:i_lat])
        tail = quoted(r[i_lon + 1:])
        parts.append((middle, float(r[i_lat]), float(r[i_lon]), tail))
    tmp = dst.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        out.write(quoted(header) + "\n")
        batch = []
        for n in range(rows):
            middle, lat, lon, tail = parts[n % len(parts)]
            dlat = ((n * 7919) % 2001 - 1000) / 10_000
            dlon = ((n * 104729) % 2001 - 1000) / 10_000
            batch.append(f"XMP{n + 1},{middle},{lat + dlat:.4f},{lon + dlon:.4f},{tail}\n")
            if len(batch) == 100_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    os.replace(tmp, dst)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--fixtures", help="fixtures directory (default: DATA/../fixtures)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--ged-copies", type=int, default=15)
    ap.add_argument("--acled-rows", type=int, default=2_500_000)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fixtures = Path(args.fixtures) if args.fixtures else Path(args.data).resolve().parent / "fixtures"
    ged = out / f"ged_x{args.ged_copies}.csv"
    if args.force or not ged.exists():
        n = gen_ged(Path(args.data) / GED_RELATIVE, ged, args.ged_copies)
        print(f"wrote {ged}: {n:,} rows, {ged.stat().st_size / 1e6:.1f} MB")
    acled = out / f"acled_like_{args.acled_rows}.csv"
    if args.force or not acled.exists():
        n = gen_acled(fixtures / ACLED_FIXTURE, acled, args.acled_rows)
        print(f"wrote {acled}: {n:,} rows, {acled.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
