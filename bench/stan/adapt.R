# Stan's side of `dotnet run -c Release --project bench/Ppl.Bench -- nuts-adapt`: NUTS (diagonal metric, 4 chains x
# 1000 warm-up + 1000 draws, inits uniform in [-2, 2]) at adapt_delta 0.8 and 0.95 on the centred eight schools and
# a 10-D standard normal, RUNS runs each (seeds 1, 1001, ...), one line per run with the mean accept_stat after
# warm-up, divergences (in all and per chain), max R-hat (rstan's), the step sizes and, for eight schools, the
# smallest tau drawn and how many draws fall below the reference posterior's 5% quantile (0.257).
# Usage: Rscript bench/stan/adapt.R [RUNS (default 10)]   (needs rstan: apt-get install -y r-cran-rstan)
suppressMessages(library(rstan))
rstan_options(auto_write = FALSE)
args <- commandArgs(trailingOnly = TRUE)
runs <- if (length(args) > 0) as.integer(args[1]) else 10
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
models <- list(eight_schools_centred = stan_model(file.path(here, "eight_schools_centred.stan")),
               std_normal_10 = stan_model(file.path(here, "std_normal.stan")))
data <- list(eight_schools_centred = list(J = 8, y = c(28, 8, -3, 7, -1, 1, 18, 12), sigma = c(15, 10, 16, 11, 9, 11, 10, 18)),
             std_normal_10 = list())
for (m in names(models)) for (delta in c(0.8, 0.95)) for (r in seq_len(runs) - 1) {
  seed <- 1 + 1000 * r
  fit <- sampling(models[[m]], data = data[[m]], chains = 4, iter = 2000, warmup = 1000, seed = seed, refresh = 0,
                  control = list(adapt_delta = delta))
  sp <- get_sampler_params(fit, inc_warmup = FALSE)
  div <- sapply(sp, function(x) sum(x[, "divergent__"]))
  line <- sprintf("stan %s target %g seed %d: mean_accept_stat %.4f, divergences %d, max_rhat %.3f", m, delta, seed,
                  mean(sapply(sp, function(x) mean(x[, "accept_stat__"]))), sum(div), max(summary(fit)$summary[, "Rhat"], na.rm = TRUE))
  if (m == "eight_schools_centred") {
    tau <- as.vector(extract(fit, "tau")$tau)
    line <- sprintf("%s, min_tau %.4f, tau_below_ref_q5 %d", line, min(tau), sum(tau < 0.257))
  }
  cat(sprintf("%s; step sizes %s; divergences per chain %s\n", line, paste(sprintf("%.4f", sapply(sp, function(x) x[1, "stepsize__"])), collapse = " "),
              paste(div, collapse = " ")))
  flush(stdout())
}
