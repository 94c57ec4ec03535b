// The 10-dimensional standard normal of bench/Ppl.Bench/NutsAdaptBench.cs (StdNormal).
parameters {
  vector[10] x;
}
model {
  x ~ std_normal();
}
