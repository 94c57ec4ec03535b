// Non-centred hierarchical normal with G groups (100 parameters for G = 98), as NutsBenchmark.cs (Hierarchical).
data {
  int<lower=1> G;
  int<lower=1> N;
  int<lower=1, upper=G> group[N];
  vector[N] y;
}
parameters {
  real mu;
  real<lower=0> tau;
  vector[G] z;
}
model {
  mu ~ normal(0, 5);
  tau ~ normal(0, 5);
  z ~ std_normal();
  y ~ normal(mu + tau * z[group], 3);
}
