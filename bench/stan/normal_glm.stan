// The normal GLM of bench/Ppl.Bench/GradientBenchModels.cs (NormalGlm), constants included so that its log density
// equals Ppl's at the same unconstrained point (bench/stan/gradients.R checks it).
data {
  int<lower=0> N;
  int<lower=0> K;
  matrix[N, K] x;
  vector[N] y;
}
parameters {
  real alpha;
  vector[K] beta;
  real<lower=0> sigma;
}
model {
  target += normal_lpdf(alpha | 0, 5);
  target += normal_lpdf(beta | 0, 1);
  target += normal_lpdf(sigma | 0, 1) + log(2);
  target += normal_id_glm_lpdf(y | x, alpha, beta, sigma);
}
