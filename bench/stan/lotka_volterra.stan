// Lotka–Volterra of bench/Ppl.Bench/GradientBenchModels.cs (LotkaVolterra): the same priors and likelihood, constants
// included, the solution by Stan's RK45 with the same tolerances (1e-6 relative and absolute, at most 10,000 steps).
functions {
  real[] dz_dt(real t, real[] z, real[] theta, real[] x_r, int[] x_i) {
    real du = (theta[1] - theta[2] * z[2]) * z[1];
    real dv = (-theta[3] + theta[4] * z[1]) * z[2];
    return { du, dv };
  }
}
data {
  int<lower=0> N;
  real ts[N];
  real y_init[2];
  real<lower=0> y[N, 2];
}
parameters {
  real<lower=0> alpha;
  real<lower=0> beta;
  real<lower=0> gamma;
  real<lower=0> delta;
  real<lower=0> z0[2];
  real<lower=0> sigma;
}
model {
  real theta[4] = { alpha, beta, gamma, delta };
  real z[N, 2] = integrate_ode_rk45(dz_dt, z0, 0, ts, theta, rep_array(0.0, 0), rep_array(0, 0), 1e-6, 1e-6, 10000);
  target += lognormal_lpdf(alpha | 0, 0.25);
  target += lognormal_lpdf(beta | -3, 0.25);
  target += lognormal_lpdf(gamma | 0, 0.25);
  target += lognormal_lpdf(delta | -3, 0.25);
  target += lognormal_lpdf(z0[1] | log(30), 0.25);
  target += lognormal_lpdf(z0[2] | log(5), 0.25);
  target += lognormal_lpdf(sigma | -1.5, 0.25);
  for (k in 1:2) {
    target += lognormal_lpdf(y_init[k] | log(z0[k]), sigma);
    target += lognormal_lpdf(y[, k] | log(z[, k]), sigma);
  }
}
