#!/usr/bin/env bash
# Fuzzes the parsers of what staff upload (markdown, article front matter, registry CSVs,
# question bank files) with cargo-fuzz (libFuzzer + AddressSanitizer, nightly Rust), each for a
# bounded time, starting from the real files in content/.
#
# Usage: bench/fuzz.sh [seconds per target, default 60] [target ...]
# Targets (fuzz/fuzz_targets/): markdown, front_matter, registry_csv, question_bank; all by
# default. Writes bench/results/fuzz.md and prints it; libFuzzer's output goes to
# bench/results/fuzz-logs/<target>.log. Exits non-zero if a target crashed, naming the input.
#
# Environment: FUZZ_TOOLCHAIN (default nightly), FUZZ_SANITIZER (default address; `none` is
# faster but blind to memory errors in the dependencies' unsafe code), FUZZ_TARGET_DIR (default
# $AQXC_CACHE/fuzz-target: instrumented builds never mix with the normal ones).
source "$(dirname "$0")/../scripts/setup.sh"
cd "$ROOT"

SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(markdown front_matter registry_csv question_bank)

CARGO_FUZZ_VERSION="0.13.2"
TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
SANITIZER="${FUZZ_SANITIZER:-address}"
FUZZ_DIR="$ROOT/fuzz"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$AQXC_CACHE/fuzz-target}"
RESULTS="$ROOT/bench/results"
LOGS="$RESULTS/fuzz-logs"
OUT="$RESULTS/fuzz.md"
mkdir -p "$LOGS"

# The longest input libFuzzer makes, per target: above the largest seed.
declare -A MAX_LEN=([markdown]=8192 [front_matter]=8192 [registry_csv]=4096 [question_bank]=4096)

if ! rustup toolchain list | grep -q "^$TOOLCHAIN"; then
  step "Installing the $TOOLCHAIN toolchain (cargo-fuzz needs nightly for the sanitizers)"
  rustup toolchain install "$TOOLCHAIN" --profile minimal
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  step "Installing cargo-fuzz $CARGO_FUZZ_VERSION (about a minute, once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# The fuzz crate is a workspace of its own; its lock starts from the main one, so that the
# fuzzed pulldown-cmark, ammonia, toml and csv are the versions the site ships.
if ! [ -f "$FUZZ_DIR/Cargo.lock" ] || [ "$ROOT/Cargo.lock" -nt "$FUZZ_DIR/Cargo.lock" ]; then
  cp "$ROOT/Cargo.lock" "$FUZZ_DIR/Cargo.lock"
fi

step "Seeding the corpora from content/"
seed_dir() {
  mkdir -p "$FUZZ_DIR/corpus/$1"
  echo "$FUZZ_DIR/corpus/$1"
}
MD="$(seed_dir markdown)"
FM="$(seed_dir front_matter)"
for article in content/articles/*.md; do
  name="$(basename "$article")"
  cp "$article" "$FM/seed-$name"
  # The body alone: what the editor renders.
  awk 'n >= 2; /^\+\+\+[[:space:]]*$/ { n++ }' "$article" > "$MD/seed-$name"
done
# The renderer's snapshot fixtures: tables, footnotes, and the XSS payloads.
for fixture in domain/tests/fixtures/markdown/*/*.md; do
  cp "$fixture" "$MD/seed-fixture-$(basename "$(dirname "$fixture")")-$(basename "$fixture")"
done
CSV="$(seed_dir registry_csv)"
for registry in content/registries/*.csv; do
  # The header and a few rows: small seeds mutate faster than 420 rows.
  head -n 12 "$registry" > "$CSV/seed-$(basename "$registry")"
done
QB="$(seed_dir question_bank)"
for bank in content/questions/*.toml; do
  # The topic and the first two questions.
  awk '/^\[\[questions\]\]/ { n++ } n <= 2' "$bank" > "$QB/seed-$(basename "$bank")"
done

# All targets in one build, before the clock of the first run starts (about 5 minutes on
# 2 cores the first time, instant after).
step "Building the fuzz targets ($TOOLCHAIN, sanitizer: $SANITIZER)"
(cd "$FUZZ_DIR" && nice -n 10 cargo "+$TOOLCHAIN" fuzz build -s "$SANITIZER")

stat_of() { awk -v key="stat::$2:" '$1 == key { print $2 }' "$1" | tail -n 1; }

# Other work on the machine slows the runs down: the table says how busy it was.
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
ROWS=()
FAILED=()
for target in "${TARGETS[@]}"; do
  step "Fuzzing $target for ${SECONDS_PER_TARGET}s"
  log="$LOGS/$target.log"
  started="$(date +%s)"
  status=0
  (cd "$FUZZ_DIR" && nice -n 10 cargo "+$TOOLCHAIN" fuzz run -s "$SANITIZER" "$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
    -max_len="${MAX_LEN[$target]:-4096}" -dict="$FUZZ_DIR/dicts/$target.dict" \
    -print_final_stats=1) > "$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - started))
  execs="$(stat_of "$log" number_of_executed_units)"
  rate="$(stat_of "$log" average_exec_per_sec)"
  rss="$(stat_of "$log" peak_rss_mb)"
  slowest="$(stat_of "$log" slowest_unit_time_sec)"
  corpus="$(find "$FUZZ_DIR/corpus/$target" -type f | wc -l)"
  artifact="$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -n 1 | cut -d' ' -f5 || true)"
  if [ "$status" -eq 0 ]; then
    found=0
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
  elif [ -n "$artifact" ]; then
    found="1 ($(basename "$artifact" | cut -d- -f1))"
    FAILED+=("$target: $artifact (log: $log)")
    grep -m 1 -A 2 -E 'panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer' "$log" || true
  else
    found="failed (exit $status, see the log)"
    FAILED+=("$target: exit $status without an artifact, see $log")
    tail -n 20 "$log"
  fi
  ROWS+=("| \`$target\` | $elapsed | ${execs:-–} | ${rate:-–} | $corpus | ${slowest:-–} | ${rss:-–} | $found |")
done

{
  echo "# Fuzzing results"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(uname -m)), $(rustc "+$TOOLCHAIN" --version)," \
    "$(cargo fuzz --version), sanitizer: $SANITIZER, debug assertions on, \`nice -n 10\`," \
    "load average before the runs: $LOAD."
  echo
  echo "| target | seconds | executions | exec/s | corpus files | slowest input (s) | peak RSS (MB) | crashes |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} > "$OUT"
if [ ${#FAILED[@]} -gt 0 ]; then
  {
    echo
    echo "Crashing inputs (reproduce with \`cd fuzz && cargo +$TOOLCHAIN fuzz run <target> <file>\`," \
      "shrink with \`cargo +$TOOLCHAIN fuzz tmin <target> <file>\`):"
    echo
    printf -- '- %s\n' "${FAILED[@]}"
  } >> "$OUT"
fi

echo
cat "$OUT"
[ ${#FAILED[@]} -eq 0 ]
