-- wrk : affiche les centiles de latence (ms) et les erreurs sur une ligne lisible par le script.
done = function(summary, latency, requests)
  local erreurs = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULTAT requetes=%d duree_s=%.2f p50=%.1f p90=%.1f p95=%.1f p99=%.1f max=%.1f erreurs=%d statut_non_2xx=%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    erreurs, summary.errors.status))
end
