# Fits the three models of `dotnet run -c Release --project bench/Ppl.Bench -- nuts` with Stan (rstan),
# on the data that benchmark exported, with the same settings: NUTS with a diagonal metric, 4 chains run
# one after another on one core, 1000 warm-up + 1000 kept draws, inits uniform in [-2, 2] unconstrained,
# adapt_delta 0.8, max tree depth 10. ESS per second = min bulk ESS over the parameters / the sum over
# chains of the sampling time (warm-up excluded), in CPU time on both sides: rstan 2.21 times its chains
# with C's clock() (the CPU time of its single-threaded process), and the Ppl benchmark reports the CPU time
# of the thread that runs each chain (sampling_cpu_seconds), so other processes on a loaded machine do not
# count against either side.
# The C++ compile is timed and reported on its own.
#
# Usage: Rscript bench/stan/compare.R compile WORK_DIR
#          compiles the models into WORK_DIR (*.rds) and writes WORK_DIR/compile_seconds.json
#        Rscript bench/stan/compare.R sample WORK_DIR SEED OUT_JSON [RUNS]
#          one repetition: samples the compiled models on WORK_DIR/<model>.json (from the benchmark's
#          --export-data) with seed SEED and writes the figures to OUT_JSON; RUNS (e.g. eight_schools=10)
#          pools several runs of a model, as the Ppl benchmark's --runs
#        Rscript bench/stan/compare.R summary WORK_DIR
#          pairs the repetitions WORK_DIR/reps/ppl-K.json (the Ppl benchmark's last line) with
#          WORK_DIR/reps/stan-K.json and prints, per model, medians over the repetitions
# compare.sh runs: compile, then Ppl and Stan repetitions alternating, then summary.
# The last line printed by `summary` is a JSON object.

suppressPackageStartupMessages({
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2 || !(args[1] %in% c("compile", "sample", "summary"))) {
  stop("usage: Rscript compare.R compile WORK_DIR | sample WORK_DIR SEED OUT_JSON | summary WORK_DIR")
}
mode <- args[1]
work <- args[2]
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
models <- c("eight_schools", "logistic_regression", "hierarchical")

if (mode == "compile") {
  suppressPackageStartupMessages(library(rstan))
  # A model already compiled into WORK_DIR from the same .stan file keeps its recorded compile time.
  old <- file.path(work, "compile_seconds.json")
  compile_s <- if (file.exists(old)) as.list(fromJSON(readLines(old, warn = FALSE))) else list()
  for (m in models) {
    rds <- file.path(work, paste0(m, ".rds")); src <- file.path(here, paste0(m, ".stan"))
    if (file.exists(rds) && !is.null(compile_s[[m]]) && file.mtime(rds) > file.mtime(src)) {
      cat(sprintf("stan %s: already compiled (%.1f s)\n", m, compile_s[[m]]))
      next
    }
    compile_s[[m]] <- round(system.time(sm <- stan_model(src, model_name = m))[["elapsed"]], 1)
    saveRDS(sm, rds)
    cat(sprintf("stan %s: compiled in %.1f s\n", m, compile_s[[m]]))
  }
  writeLines(toJSON(compile_s, auto_unbox = TRUE), file.path(work, "compile_seconds.json"))
  quit(status = 0)
}

if (mode == "sample") {
  if (length(args) < 4) stop("usage: Rscript compare.R sample WORK_DIR SEED OUT_JSON [RUNS]")
  suppressPackageStartupMessages(library(rstan))
  seed <- as.integer(args[3])
  # RUNS, e.g. "eight_schools=10": that many runs of a model (seeds SEED, SEED + 1000, ...), pooled as the Ppl
  # benchmark's --runs pools them; the figures are then means over the runs (max_rhat the largest).
  runs <- setNames(rep(1L, length(models)), models)
  if (length(args) >= 5 && nzchar(args[5])) {
    for (kv in strsplit(strsplit(args[5], ",")[[1]], "=")) runs[[kv[1]]] <- as.integer(kv[2])
  }
  details <- list()
  for (m in models) {
    sm <- readRDS(file.path(work, paste0(m, ".rds")))
    data <- fromJSON(file.path(work, paste0(m, ".json")))
    one <- lapply(seq_len(runs[[m]]) - 1, function(run) {
      # Wall and CPU time of the whole call (warm-up included), for reference: the ESS/s uses Stan's own sampling times.
      call_time <- system.time(
        fit <- sampling(sm, data = data, chains = 4, cores = 1, iter = 2000, warmup = 1000, seed = seed + 1000 * run, refresh = 0,
                        init = "random", control = list(adapt_delta = 0.8, max_treedepth = 10, metric = "diag_e")))
      draws <- as.array(fit, pars = setdiff(fit@model_pars, "lp__"))
      ess <- sapply(dimnames(draws)$parameters, function(p) ess_bulk(draws[, , p]))
      rhat <- sapply(dimnames(draws)$parameters, function(p) Rhat(draws[, , p]))
      times <- get_elapsed_time(fit)  # clock(): process CPU seconds per chain
      sp <- get_sampler_params(fit, inc_warmup = FALSE)
      c(min_ess_bulk = min(ess), max_rhat = max(rhat), sampling_cpu_seconds = sum(times[, "sample"]),
        warmup_cpu_seconds = sum(times[, "warmup"]), call_wall_seconds = call_time[["elapsed"]],
        call_cpu_seconds = call_time[["user.self"]] + call_time[["sys.self"]],
        leapfrog_steps = sum(sapply(sp, function(c) sum(c[, "n_leapfrog__"]))),
        divergences = sum(sapply(sp, function(c) sum(c[, "divergent__"]))))
    })
    f <- colMeans(do.call(rbind, one))
    f[["max_rhat"]] <- max(sapply(one, function(x) x[["max_rhat"]]))
    details[[m]] <- list(runs = runs[[m]], min_ess_bulk = round(f[["min_ess_bulk"]], 1), max_rhat = round(f[["max_rhat"]], 4),
                         sampling_cpu_seconds = round(f[["sampling_cpu_seconds"]], 4), warmup_cpu_seconds = round(f[["warmup_cpu_seconds"]], 4),
                         call_wall_seconds = round(f[["call_wall_seconds"]], 3), call_cpu_seconds = round(f[["call_cpu_seconds"]], 3),
                         leapfrog_steps = round(f[["leapfrog_steps"]], 1), divergences = round(f[["divergences"]], 2),
                         ess_per_cpu_second = round(f[["min_ess_bulk"]] / f[["sampling_cpu_seconds"]], 1))
    cat(sprintf("stan %s (seed %d%s): min ess_bulk %.0f, max r_hat %.3f, divergences %.3g, sampling %.3f s CPU (1 core), %.0fk gradients per CPU s, ESS/s %.0f (CPU)\n",
                m, seed, if (runs[[m]] > 1) sprintf(", means over %d runs", runs[[m]]) else "", f[["min_ess_bulk"]], f[["max_rhat"]],
                f[["divergences"]], f[["sampling_cpu_seconds"]], f[["leapfrog_steps"]] / f[["sampling_cpu_seconds"]] / 1e3,
                f[["min_ess_bulk"]] / f[["sampling_cpu_seconds"]]))
  }
  out <- list(benchmark = "stan", seed = seed, stan_version = as.character(packageVersion("rstan")), models = details)
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), args[4])
  quit(status = 0)
}

# summary
reps_dir <- file.path(work, "reps")
ks <- sort(as.integer(sub("^ppl-([0-9]+)\\.json$", "\\1", list.files(reps_dir, pattern = "^ppl-[0-9]+\\.json$"))))
ks <- ks[file.exists(file.path(reps_dir, sprintf("stan-%d.json", ks)))]
if (length(ks) == 0) stop("no paired repetitions in ", reps_dir)
ppl <- lapply(ks, function(k) fromJSON(readLines(file.path(reps_dir, sprintf("ppl-%d.json", k)), warn = FALSE)))
stan <- lapply(ks, function(k) fromJSON(readLines(file.path(reps_dir, sprintf("stan-%d.json", k)), warn = FALSE)))
compile_s <- fromJSON(readLines(file.path(work, "compile_seconds.json"), warn = FALSE))

per_cpu_s <- function(d) d$min_ess_bulk / d$sampling_cpu_seconds
rate <- function(d) d$leapfrog_steps / d$sampling_cpu_seconds
r2 <- function(x) signif(x, 3)
summary <- list(); ratio <- list(); lf_ratio <- list()
cat(sprintf("\n%d repetitions, Ppl and Stan alternating, seeds %s; ESS/s per CPU second of sampling, medians over the repetitions\n",
          length(ks), paste(sapply(stan, function(s) s$seed), collapse = ", ")))
pooled <- Filter(function(m) !is.null(stan[[1]]$models[[m]]$runs) && stan[[1]]$models[[m]]$runs > 1, models)
if (length(pooled) > 0) {
  cat(sprintf("Each repetition pools several runs (seeds K, K + 1000, ...) of %s\n",
              paste(sprintf("%s (%d)", pooled, sapply(pooled, function(m) stan[[1]]$models[[m]]$runs)), collapse = ", ")))
}
cat("Ppl = the [Model] methods' generated differentiable forms (hand-written Real densities in the last column)\n\n")
cat(sprintf("%-20s %9s %10s %9s %17s %9s %17s %10s\n", "model", "Ppl ESS/s", "Stan ESS/s", "Ppl/Stan", "(min-max)",
          "leapfrog", "(min-max)", "hand/Stan"))
for (m in models) {
  p <- sapply(ppl, function(x) per_cpu_s(x$generated_models[[m]]))
  s <- sapply(stan, function(x) per_cpu_s(x$models[[m]]))
  l <- sapply(seq_along(ks), function(i) rate(ppl[[i]]$generated_models[[m]]) / rate(stan[[i]]$models[[m]]))
  has_hand <- all(sapply(ppl, function(x) !is.null(x$models[[m]])))
  h <- if (has_hand) sapply(ppl, function(x) per_cpu_s(x$models[[m]])) else NA
  ratio[[m]] <- r2(median(p / s)); lf_ratio[[m]] <- r2(median(l))
  summary[[m]] <- list(ppl_ess_per_second = round(median(p), 1), stan_ess_per_second = round(median(s), 1),
                       ratio = r2(median(p / s)), ratio_min = r2(min(p / s)), ratio_max = r2(max(p / s)),
                       ratio_of_medians = r2(median(p) / median(s)),
                       leapfrog_rate_ratio = r2(median(l)), leapfrog_rate_ratio_min = r2(min(l)), leapfrog_rate_ratio_max = r2(max(l)),
                       ratios = r2(p / s), leapfrog_rate_ratios = r2(l),
                       ppl_min_ess_bulk = round(median(sapply(ppl, function(x) x$generated_models[[m]]$min_ess_bulk))),
                       stan_min_ess_bulk = round(median(sapply(stan, function(x) x$models[[m]]$min_ess_bulk))))
  if (has_hand) {
    summary[[m]]$handwritten_ess_per_second <- round(median(h), 1)
    summary[[m]]$handwritten_ratio <- r2(median(h / s))
    summary[[m]]$handwritten_ratio_min <- r2(min(h / s)); summary[[m]]$handwritten_ratio_max <- r2(max(h / s))
  }
  cat(sprintf("%-20s %9.0f %10.0f %9.3g %17s %9.3g %17s %10s\n", m, median(p), median(s), median(p / s),
              sprintf("(%.3g-%.3g)", min(p / s), max(p / s)), median(l), sprintf("(%.3g-%.3g)", min(l), max(l)),
              if (has_hand) sprintf("%.3g", median(h / s)) else "-"))
}
cat("\nPpl/Stan: median over repetitions of the paired ratio (each Ppl run against the Stan run next to it);",
    "leapfrog: the same for leapfrog steps per CPU second (cost per gradient plus sampler overhead).\n")
cat("Stan's one-off C++ compile (not in the ESS/s):", paste(sprintf("%s %.0f s", names(compile_s), unlist(compile_s)), collapse = ", "), "\n")
out <- list(benchmark = "nuts-vs-stan", stan_version = stan[[1]]$stan_version, repetitions = length(ks),
            seeds = sapply(stan, function(s) s$seed), clock = "CPU time of sampling (warm-up excluded): Stan clock(), Ppl the sampling thread",
            ppl = "[Model] generated differentiable forms",
            runs_per_repetition = lapply(setNames(models, models), function(m) if (is.null(stan[[1]]$models[[m]]$runs)) 1 else stan[[1]]$models[[m]]$runs),
            ratio = ratio, leapfrog_rate_ratio = lf_ratio,
            models = summary, stan_compile_seconds = compile_s)
cat(toJSON(out, auto_unbox = TRUE, digits = NA), "\n", sep = "")
