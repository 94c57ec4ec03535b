# Fits the three models of `dotnet run -c Release --project bench/Ppl.Bench -- nuts` with Stan (rstan),
# on the data that benchmark exported, with the same settings: NUTS with a diagonal metric, 4 chains run
# one after another on one core, 1000 warm-up + 1000 kept draws, inits uniform in [-2, 2] unconstrained,
# adapt_delta 0.8, max tree depth 10. ESS per second = min bulk ESS over the parameters / the sum over
# chains of the sampling time (warm-up excluded); the C++ compile is timed and reported on its own.
#
# Usage: Rscript bench/stan/compare.R compile WORK_DIR
#          compiles the models into WORK_DIR (*.rds) and writes WORK_DIR/compile_seconds.json
#        Rscript bench/stan/compare.R sample WORK_DIR [PPL_JSON]
#          samples the compiled models on WORK_DIR/<model>.json (from the benchmark's --export-data);
#          with PPL_JSON (the last line of the Ppl benchmark) prints the ratio Ppl / Stan per model.
# compare.sh runs: compile, the Ppl benchmark, sample, so both samplers run close together in time.
# The last line printed by `sample` is a JSON object.

suppressPackageStartupMessages({
  library(rstan)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2 || !(args[1] %in% c("compile", "sample"))) stop("usage: Rscript compare.R compile|sample WORK_DIR [PPL_JSON]")
mode <- args[1]
work <- args[2]
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
models <- c("eight_schools", "logistic_regression", "hierarchical")

if (mode == "compile") {
  # A model already compiled into WORK_DIR from the same .stan file keeps its recorded compile time.
  old <- file.path(work, "compile_seconds.json")
  compile_s <- if (file.exists(old)) as.list(fromJSON(readLines(old, warn = FALSE))) else list()
  for (m in models) {
    rds <- file.path(work, paste0(m, ".rds")); src <- file.path(here, paste0(m, ".stan"))
    if (file.exists(rds) && !is.null(compile_s[[m]]) && file.mtime(rds) > file.mtime(src)) {
      cat(sprintf("stan %s: already compiled (%.1f s)\n", m, compile_s[[m]]))
      next
    }
    compile_s[[m]] <- round(system.time(sm <- stan_model(file.path(here, paste0(m, ".stan")), model_name = m))[["elapsed"]], 1)
    saveRDS(sm, file.path(work, paste0(m, ".rds")))
    cat(sprintf("stan %s: compiled in %.1f s\n", m, compile_s[[m]]))
  }
  writeLines(toJSON(compile_s, auto_unbox = TRUE), file.path(work, "compile_seconds.json"))
  quit(status = 0)
}

ppl <- if (length(args) >= 3) fromJSON(readLines(args[3], warn = FALSE)) else NULL
compile_s <- fromJSON(readLines(file.path(work, "compile_seconds.json"), warn = FALSE))
stan_ess <- list(); details <- list()
for (m in models) {
  sm <- readRDS(file.path(work, paste0(m, ".rds")))
  data <- fromJSON(file.path(work, paste0(m, ".json")))
  fit <- sampling(sm, data = data, chains = 4, cores = 1, iter = 2000, warmup = 1000, seed = 7, refresh = 0,
                  init = "random", control = list(adapt_delta = 0.8, max_treedepth = 10, metric = "diag_e"))
  draws <- as.array(fit, pars = setdiff(fit@model_pars, "lp__"))
  ess <- sapply(dimnames(draws)$parameters, function(p) ess_bulk(draws[, , p]))
  rhat <- sapply(dimnames(draws)$parameters, function(p) Rhat(draws[, , p]))
  times <- get_elapsed_time(fit)
  sampling_s <- sum(times[, "sample"])
  sp <- get_sampler_params(fit, inc_warmup = FALSE)
  leapfrogs <- sum(sapply(sp, function(c) sum(c[, "n_leapfrog__"])))
  divergences <- sum(sapply(sp, function(c) sum(c[, "divergent__"])))
  stan_ess[[m]] <- round(min(ess) / sampling_s, 1)
  details[[m]] <- list(min_ess_bulk = round(min(ess), 1), max_rhat = round(max(rhat), 4), sampling_seconds = round(sampling_s, 3),
                       warmup_seconds = round(sum(times[, "warmup"]), 3), leapfrog_steps = leapfrogs, divergences = divergences)
  cat(sprintf("stan %s: min ess_bulk %.0f, max r_hat %.3f, divergences %d, sampling %.2f s (1 core), %.0fk gradients/s, ESS/s %.0f (compile %.1f s)\n",
              m, min(ess), max(rhat), divergences, sampling_s, leapfrogs / sampling_s / 1e3, min(ess) / sampling_s, compile_s[[m]]))
}

out <- list(benchmark = "nuts-vs-stan", stan_version = as.character(packageVersion("rstan")),
            stan_ess_per_second = stan_ess, stan_compile_seconds = compile_s, stan = details)
if (!is.null(ppl)) {
  ratio <- list(); grad_ratio <- list()
  cat("\nmodel                 Ppl ESS/s   Stan ESS/s   Ppl/Stan   (leapfrog steps per second, Ppl/Stan)\n")
  for (m in models) {
    p <- ppl$ess_per_second[[m]]; s <- stan_ess[[m]]
    ratio[[m]] <- round(p / s, 2)
    pg <- ppl$models[[m]]$leapfrog_steps / ppl$models[[m]]$sampling_seconds
    sg <- details[[m]]$leapfrog_steps / details[[m]]$sampling_seconds
    grad_ratio[[m]] <- round(pg / sg, 2)
    cat(sprintf("%-20s %10.0f %12.0f %10.2f   (%.2f)\n", m, p, s, p / s, pg / sg))
  }
  cat("Stan's one-off C++ compile (not in the ESS/s):", paste(sprintf("%s %.0f s", names(compile_s), unlist(compile_s)), collapse = ", "), "\n")
  out$ppl_ess_per_second <- ppl$ess_per_second
  out$ratio <- ratio
  out$leapfrog_rate_ratio <- grad_ratio
}
cat(toJSON(out, auto_unbox = TRUE, digits = NA), "\n", sep = "")
