// Logistic regression with an intercept and K coefficients, as NutsBenchmark.cs (LogisticRegression):
// Stan's fastest form of the likelihood, the fused bernoulli_logit_glm.
data {
  int<lower=0> N;
  int<lower=1> K;
  matrix[N, K] X;
  int<lower=0, upper=1> y[N];
}
parameters {
  real alpha;
  vector[K] beta;
}
model {
  alpha ~ normal(0, 2.5);
  beta ~ normal(0, 2.5);
  y ~ bernoulli_logit_glm(X, alpha, beta);
}
