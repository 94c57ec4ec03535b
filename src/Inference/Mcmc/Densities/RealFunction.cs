using Ppl.Autodiff;

namespace Ppl.Inference.Mcmc;

/// <summary>A log density written over <see cref="Real"/>, so it can be differentiated in reverse mode.</summary>
/// <param name="x">The unconstrained position (tape variables).</param>
public delegate Real RealFunction(ReadOnlySpan<Real> x);
