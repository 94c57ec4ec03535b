# Stan's cost per gradient on the models of `bench -- gradients`, on the data and at the unconstrained point that
# benchmark exported (WORK_DIR/<model>.json): compiles each model (timed apart), checks that Stan's log density and
# gradient there equal Ppl's (the same density, constants and Jacobians included), and times grad_log_prob, Stan's own
# log-density-gradient call, over repeated calls; the fastest of 15 batches, as the Ppl side. The R-to-C++ call's own
# cost is measured on a 10-dimensional standard normal and subtracted, so that Stan is charged only for its gradient.
# Usage: Rscript bench/stan/gradients.R WORK_DIR OUT_JSON
suppressPackageStartupMessages({
  library(rstan)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: Rscript gradients.R WORK_DIR OUT_JSON")
work <- args[1]
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
models <- c("normal_glm", "approximate_gp", "lotka_volterra")

compiled <- function(name) {
  rds <- file.path(work, paste0(name, ".rds")); src <- file.path(here, paste0(name, ".stan"))
  if (file.exists(rds) && file.mtime(rds) > file.mtime(src)) return(readRDS(rds))
  t <- system.time(sm <- stan_model(src, model_name = name))[["elapsed"]]
  cat(sprintf("stan %s: compiled in %.1f s\n", name, t))
  saveRDS(sm, rds)
  sm
}

instantiate <- function(sm, data) {
  suppressWarnings(sampling(sm, data = data, chains = 1, iter = 1, algorithm = "Fixed_param", refresh = 0, init = 0))
}

time_ns <- function(f) {
  for (i in 1:20) f()
  start <- proc.time()[["elapsed"]]; calls <- 0
  while (proc.time()[["elapsed"]] - start < 0.3) { f(); calls <- calls + 1 }
  inner <- max(1, ceiling(calls / 8))
  best <- Inf
  for (b in 1:15) {
    t <- system.time(for (i in 1:inner) f())[["elapsed"]]
    best <- min(best, t / inner)
  }
  best * 1e9
}

overhead_fit <- instantiate(compiled("std_normal"), list())
u0 <- rep(0.1, 10)
overhead <- time_ns(function() grad_log_prob(overhead_fit, u0, adjust_transform = TRUE))
cat(sprintf("R-to-Stan call overhead (10-d standard normal gradient): %.1f us\n", overhead / 1e3))

result <- list(overhead_ns = round(overhead), gradient_ns = list(), raw_ns = list(), max_abs_log_density_difference = list(),
               max_abs_gradient_difference = list())
for (m in models) {
  spec <- fromJSON(file.path(work, paste0(m, ".json")))
  fit <- instantiate(compiled(m), spec$data)
  u <- as.numeric(spec$point)
  g <- grad_log_prob(fit, u, adjust_transform = TRUE)
  lp <- attr(g, "log_prob")
  dlp <- abs(lp - spec$log_density)
  dg <- max(abs(as.numeric(g) - as.numeric(spec$gradient)))
  raw <- time_ns(function() grad_log_prob(fit, u, adjust_transform = TRUE))
  net <- max(raw - overhead, raw * 0.05)
  cat(sprintf("stan %s: %.1f us per gradient (%.1f us with the call), log density %.6f (Ppl's differs by %.2e), gradient differs by at most %.2e\n",
              m, net / 1e3, raw / 1e3, lp, dlp, dg))
  result$gradient_ns[[m]] <- round(net)
  result$raw_ns[[m]] <- round(raw)
  result$max_abs_log_density_difference[[m]] <- dlp
  result$max_abs_gradient_difference[[m]] <- dg
}
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA), args[2])
