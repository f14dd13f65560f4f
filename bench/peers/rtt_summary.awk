# compare.sh's header line on the cache-line round trip. Input: rtt.tsv
# lines `column TAB ns TAB file` (one per probe, taken just before the
# program of that column whose output is the file; `one_cpu` where there
# was nothing to bounce). Prints one `#` line: per column, in the order
# first seen, the median [min-max] of its probes. No line when no probe
# gave a number. Needs median.awk loaded before it (sort_median).
$2 ~ /^[0-9]+(\.[0-9]+)?$/ {
  if (!($1 in n)) order[++ncol] = $1
  v[$1, ++n[$1]] = $2 + 0
}
END {
  if (ncol == 0) exit
  line = "# cache-line round trip between two CPUs just before each program (bench/peers/machine/cacheline_rtt.cc), ns, median [min-max]:"
  for (c = 1; c <= ncol; c++) {
    col = order[c]
    delete a
    for (i = 1; i <= n[col]; i++) a[i] = v[col, i]
    mid = sort_median(a, n[col])  # sorts a: a[1] is the least, a[n] the most
    line = line sprintf(" %s %.0f [%.0f-%.0f]%s", col, mid, a[1], a[n[col]], c < ncol ? "," : "")
  }
  print line
}
