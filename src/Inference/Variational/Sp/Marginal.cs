using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// marginal(P, selection, sir(N)): the distribution of P's selected choices x with the others u
/// marginalised by importance sampling with P's own internal proposal for u given x (papers.md §2.2):
/// q̂(x) = (1/N) Σᵢ P(x, uᵢ)/r(uᵢ | x). <see cref="RandomWeighted"/> keeps the u that generated x as one of
/// the N (conditional SIR, reciprocal-unbiased); <see cref="EstimateLogDensity"/> draws all N fresh (unbiased).
/// The u draws use their sites' gradient strategies.
/// </summary>
public sealed class Marginal<TArgs, TRet> : ISpDistribution
{
    /// <summary>Creates the marginal of <paramref name="selection"/> under <paramref name="model"/> with <paramref name="particles"/> importance samples.</summary>
    public Marginal(IGenerativeFunction<TArgs, TRet> model, TArgs args, Selection selection, int particles)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Args = args;
        Selection = selection ?? throw new ArgumentNullException(nameof(selection));
        if (particles < 1) throw new ArgumentOutOfRangeException(nameof(particles), particles, "sir needs at least one particle.");
        Particles = particles;
    }

    /// <summary>The joint model over (x, u).</summary>
    public IGenerativeFunction<TArgs, TRet> Model { get; }

    /// <summary>Its arguments.</summary>
    public TArgs Args { get; }

    /// <summary>The addresses of x.</summary>
    public Selection Selection { get; }

    /// <summary>N, the number of importance samples of u.</summary>
    public int Particles { get; }

    /// <inheritdoc />
    public (ChoiceMap Choices, Tensor LogWeight) RandomWeighted(ViContext vi)
    {
        ArgumentNullException.ThrowIfNull(vi);
        var run = vi.RunModel(Model, Args, ChoiceMap.Empty, ViTracerMode.Simulate, Selection);
        var x = ViMath.Restrict(run.Choices, Selection);
        // The generating u's weight: P(x, u)/r(u | x) is the density of the selected sites.
        var weights = new List<Tensor> { run.SelectedOr(vi) };
        for (var i = 1; i < Particles; i++) weights.Add(vi.Generate(Model, Args, x).Weight);
        return (x, ViMath.LogMeanExp(weights));
    }

    /// <inheritdoc />
    public Tensor EstimateLogDensity(ViContext vi, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(vi);
        var x = ViMath.Restrict(choices, Selection);
        var weights = new List<Tensor>();
        for (var i = 0; i < Particles; i++) weights.Add(vi.Generate(Model, Args, x).Weight);
        return ViMath.LogMeanExp(weights);
    }
}
