// The Hilbert-space approximate GP of bench/Ppl.Bench/GradientBenchModels.cs (ApproximateGp): 66 parameters, the
// exponentiated-quadratic spectral density, the basis precomputed as data (as Riutort-Mayol et al.'s Stan code does).
data {
  int<lower=1> N;
  int<lower=1> M;
  real<lower=0> L;
  vector[N] x;
  vector[N] y;
}
transformed data {
  matrix[N, M] PHI;
  for (j in 1:M)
    for (i in 1:N)
      PHI[i, j] = sin(j * pi() / (2 * L) * (x[i] + L)) / sqrt(L);
}
parameters {
  real<lower=0> alpha;
  real<lower=0> rho;
  real<lower=0> sigma;
  vector[M] z;
}
model {
  vector[M] w;
  for (j in 1:M)
    // √S(√λⱼ) with the exponential outside the square root: sqrt(exp(·)) underflows to 0 for large j, where the
    // derivative of sqrt is infinite and the gradient in rho would be NaN.
    w[j] = alpha * sqrt(sqrt(2 * pi()) * rho) * exp(-0.25 * square(rho * j * pi() / (2 * L))) * z[j];
  target += normal_lpdf(alpha | 0, 1) + log(2);
  target += lognormal_lpdf(rho | -1, 0.5);
  target += normal_lpdf(sigma | 0, 1) + log(2);
  target += normal_lpdf(z | 0, 1);
  target += normal_lpdf(y | PHI * w, sigma);
}
