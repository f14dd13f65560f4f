# compare.sh's table. Input: index.tsv lines `section TAB column TAB run TAB
# file`; each file holds `name value ...` lines (`#` lines are comments).
# A row is a (section, name) pair, in the order first seen; a cell is the
# median of the column's values over the runs, or the word a program printed
# instead of a number (e.g. `starved`); the ratio columns are parkd's cell
# over each peer's. Variable fmt: text (default) or md. Needs median.awk
# loaded before it (sort_median).

function median(key,    m, i, a) {
  m = count[key]
  for (i = 1; i <= m; i++) a[i] = vals[key, i] + 0
  return sort_median(a, m)
}

function number(v,    x) {
  x = v < 0 ? -v : v
  if (x >= 1000) return sprintf("%.0f", v)
  if (x >= 10) return sprintf("%.1f", v)
  return sprintf("%.2f", v)
}

function cell(row, col,    key) {
  key = row SUBSEP col
  if (key in word) return word[key]
  if (!(key in count)) return "-"
  return number(median(key))
}

function ratio(row, col,    a, b) {
  # Context, not a cost: how often the submitting thread woke late.
  if (row ~ / late_periods_pct$/) return "-"
  a = row SUBSEP "parkd"
  b = row SUBSEP col
  if (!(a in count) || !(b in count) || (a in word) || (b in word)) return "-"
  # Below zero only by clock noise (an idle pool): no meaningful ratio.
  if (median(a) <= 0 || median(b) <= 0) return "-"
  return sprintf("%.2f", median(a) / median(b))
}

{
  section = $1; col = $2; file = $4
  while ((getline line < file) > 0) {
    if (line ~ /^#/ || split(line, f, " ") < 2) continue
    row = "[" section "] " f[1]
    if (!(row in seen)) { seen[row] = 1; rows[++nrows] = row }
    key = row SUBSEP col
    vals[key, ++count[key]] = f[2]
    if (f[2] !~ /^-?[0-9.]+$/) word[key] = f[2]
  }
  close(file)
}

END {
  ncol = split("tokio asio nginx floor floor100 parkd", cols, " ")
  nratio = split("tokio asio nginx", peers, " ")
  if (fmt == "md") {
    line = "| row |"; sep = "| --- |"
    for (c = 1; c <= ncol; c++) { line = line " " cols[c] " |"; sep = sep " ---: |" }
    for (c = 1; c <= nratio; c++) { line = line " parkd/" peers[c] " |"; sep = sep " ---: |" }
    print line; print sep
  } else {
    printf "%-38s", "row"
    for (c = 1; c <= ncol; c++) printf " %9s", cols[c]
    for (c = 1; c <= nratio; c++) printf " %12s", "parkd/" peers[c]
    printf "\n"
  }
  for (r = 1; r <= nrows; r++) {
    row = rows[r]
    if (fmt == "md") {
      line = "| " row " |"
      for (c = 1; c <= ncol; c++) line = line " " cell(row, cols[c]) " |"
      for (c = 1; c <= nratio; c++) line = line " " ratio(row, peers[c]) " |"
      print line
    } else {
      printf "%-38s", row
      for (c = 1; c <= ncol; c++) printf " %9s", cell(row, cols[c])
      for (c = 1; c <= nratio; c++) printf " %12s", ratio(row, peers[c])
      printf "\n"
    }
  }
}
