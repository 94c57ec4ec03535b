using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Tests.Conformance;

/// <summary>
/// A model of the conformance suite (<see cref="ConformanceSuite"/>): a [Model] method with a prior simulator written
/// by hand in plain C# (independent of the generated code), so that simulation-based calibration can check any
/// inference algorithm on it: draw the truth from the prior and data from the likelihood, condition, rank the truth.
/// </summary>
/// <param name="Name">A short name (<c>lotka-volterra</c>), used in test names and bench output.</param>
/// <param name="Covers">What the model exercises (constrained supports, vector choices, an ODE solve, …).</param>
/// <param name="DataSize">The number of observations (rows, time points, groups) at the CI size.</param>
/// <param name="Ranked">The draw names whose ranks SBC tests (each a continuous quantity of the posterior).</param>
/// <param name="Simulator">Draws the truth and data from the prior predictive at a given data size, and conditions the model on the data.</param>
/// <param name="CiReplicates">Fewer replicates than <see cref="SbcSize.Ci"/>'s for a model whose gradient is expensive (an ODE solve), or null.</param>
/// <param name="InitSampler">
/// Where chains start, as an unconstrained position drawn from the prior (<c>InitStrategy.Prior</c>), for a model whose
/// uniform start on (−2, 2) (Stan's, the default) lands where its solve is expensive; or null for the default.
/// </param>
public sealed record ConformanceCase(string Name, string Covers, int DataSize, IReadOnlyList<string> Ranked, Func<Rng, int, ConformanceProblem> Simulator,
    int? CiReplicates = null, Func<Rng, double[]>? InitSampler = null)
{
    /// <summary>The chains' start: <see cref="InitSampler"/> as a prior start, or Stan's uniform one.</summary>
    public InitStrategy Init => InitSampler is { } s ? InitStrategy.Prior(s) : InitStrategy.Uniform();

    /// <summary>The size to run this case at: <paramref name="size"/>, with <see cref="CiReplicates"/> at the CI size.</summary>
    public SbcSize SizeFor(SbcSize size) => size == SbcSize.Ci && CiReplicates is { } r ? size with { Replicates = r } : size;

    /// <summary>A data set at <see cref="DataSize"/>.</summary>
    public ConformanceProblem Simulate(Rng rng) => Simulator(rng, DataSize);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
