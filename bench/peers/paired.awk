# compare.sh's paired rounds, printed under its table. Input: index.tsv
# lines `section TAB column TAB run TAB file` as for table.awk, where `run`
# names the round (R.K) in which the programs ran one after another.
#
# Why: the table's cells are medians over all rounds, and a slow phase of a
# shared host can fall on one program's processes more than another's. Two
# programs of one round, seconds apart, mostly met the same phase, so the
# ratio of their numbers in that round says more about the programs than
# about the host.
# For each row and peer this prints `B/N M`: of the N rounds in which both
# printed a number above zero, parkd's was better in B (strictly lower;
# strictly higher for healthz_rps, a rate), and M is the median of the N
# ratios parkd / peer. Rows without a cost (late_periods_pct) and cells with
# no such round print `-`. Variable fmt: text (default) or md. Needs
# median.awk loaded before it (sort_median).

{
  section = $1; col = $2; run = $3; file = $4
  while ((getline line < file) > 0) {
    if (line ~ /^#/ || split(line, f, " ") < 2) continue
    row = "[" section "] " f[1]
    if (!(row in seen)) { seen[row] = 1; rows[++nrows] = row }
    if (f[2] !~ /^-?[0-9.]+$/) continue
    key = row SUBSEP col SUBSEP run
    val[key] = f[2] + 0
    if (!((row SUBSEP run) in round_seen)) {
      round_seen[row, run] = 1
      rounds[row, ++nrounds[row]] = run
    }
  }
  close(file)
}

function paired(row, peer,    i, run, a, b, n, better, r) {
  if (row ~ / late_periods_pct$/) return "-"
  n = 0; better = 0
  for (i = 1; i <= nrounds[row]; i++) {
    run = rounds[row, i]
    a = row SUBSEP "parkd" SUBSEP run
    b = row SUBSEP peer SUBSEP run
    if (!(a in val) || !(b in val) || val[a] <= 0 || val[b] <= 0) continue
    r[++n] = val[a] / val[b]
    if (row ~ / healthz_rps$/ ? r[n] > 1 : r[n] < 1) better++
  }
  if (n == 0) return "-"
  return sprintf("%d/%d %.2f", better, n, sort_median(r, n))
}

# emit(c, n): one line of cells c[1..n], as Markdown or as text columns.
function emit(c, n,    i, line) {
  if (fmt == "md") {
    line = "|"
    for (i = 1; i <= n; i++) line = line " " c[i] " |"
  } else {
    line = sprintf("%-38s", c[1])
    for (i = 2; i <= n; i++) line = line sprintf(" %14s", c[i])
  }
  print line
}

END {
  npeer = split("tokio asio nginx", peers, " ")
  c[1] = "row"
  for (p = 1; p <= npeer; p++) c[p + 1] = "vs " peers[p]
  emit(c, npeer + 1)
  if (fmt == "md") {
    line = "| --- |"
    for (p = 1; p <= npeer; p++) line = line " ---: |"
    print line
  }
  for (i = 1; i <= nrows; i++) {
    c[1] = rows[i]
    for (p = 1; p <= npeer; p++) c[p + 1] = paired(rows[i], peers[p])
    emit(c, npeer + 1)
  }
}
