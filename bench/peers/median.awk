# The median that compare.sh's awk programs share (table.awk,
# rtt_summary.awk): load it with `-f bench/peers/median.awk` before them.
# sort_median(a, n): sorts the numbers a[1..n] (n >= 1) in place, ascending,
# and returns their median (the mean of the middle two for even n).
function sort_median(a, n,    i, j, t) {
  for (i = 2; i <= n; i++) {
    t = a[i]
    for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
  return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
