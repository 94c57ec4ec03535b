using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// An automatic Gaussian guide for any model whose random choices are continuous tensor choices: one
/// prior run finds the sites and their bijections to unconstrained space; the guide is a Gaussian over
/// the concatenated unconstrained coordinates — diagonal (mean-field) or with a full Cholesky factor
/// (full-rank) — pushed through each site's bijection, with the log-Jacobian in its density. Its
/// trainable parameters (<c>loc</c>, <c>scale</c> or <c>scale_tril</c>) live in <see cref="Parameters"/>.
/// The structure must not change between runs (same sites, same shapes).
/// </summary>
public sealed class AutoGuide<TArgs, TRet> : ISpDistribution
{
    private readonly List<(Address Address, ITensorBijector Bijector, long[] Shape, long Size)> _sites = new();
    private readonly bool _fullRank;

    /// <summary>Builds the guide for <paramref name="model"/> at <paramref name="args"/>; <paramref name="initScale"/> is the initial standard deviation.</summary>
    /// <param name="model">The model whose choices the guide covers.</param>
    /// <param name="args">Its arguments (the structure-finding run uses them).</param>
    /// <param name="fullRank">A full Cholesky factor instead of a diagonal.</param>
    /// <param name="initScale">The initial standard deviation of every coordinate.</param>
    /// <param name="device">Where the parameters live (the CPU when null); train on the same device (<see cref="TrainOptions.Device"/>).</param>
    /// <param name="dtype">The parameters' floating dtype.</param>
    public AutoGuide(IGenerativeFunction<TArgs, TRet> model, TArgs args, bool fullRank, double initScale = 0.1, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(model);
        _fullRank = fullRank;
        Device = device ?? CPU;
        DType = dtype;
        using (no_grad())
        {
            var vi = new ViContext(0x5EED, 1, System.Collections.Immutable.ImmutableDictionary<int, Tensor>.Empty, primal: true, Device, dtype);
            var run = vi.RunModel(model, args, ChoiceMap.Empty, ViTracerMode.Simulate, null);
            foreach (var (address, d, _) in run.Sites)
            {
                if (d.IsDiscrete)
                    throw new NotSupportedException($"Automatic Gaussian guides need continuous choices; '{address}' is {d.Family}. Write a guide for the discrete part.");
                var bij = d.Bijector;
                long[] shape = [.. d.BatchShape, .. bij.UnconstrainedEventShape];
                _sites.Add((address, bij, shape, shape.Aggregate(1L, (a, b) => a * b)));
            }
        }
        Dimension = _sites.Sum(s => s.Size);
        if (Dimension == 0) throw new ArgumentException($"Model '{model.Name}' has no random choices to guide.", nameof(model));
        var raw = Math.Log(Math.Exp(initScale) - 1); // softplus⁻¹
        Parameters.GetOrAdd("loc", () => zeros(Dimension, dtype, Device));
        if (fullRank) Parameters.GetOrAdd("scale_tril", () => diag(TensorArithmetic.Full([Dimension], raw, dtype, Device)));
        else Parameters.GetOrAdd("scale", () => TensorArithmetic.Full([Dimension], raw, dtype, Device));
    }

    /// <summary>Where the parameters live.</summary>
    public Device Device { get; }

    /// <summary>The parameters' floating dtype.</summary>
    public ScalarType DType { get; }

    /// <summary>The trainable parameters.</summary>
    public ParameterStore Parameters { get; } = new();

    /// <summary>The number of unconstrained coordinates.</summary>
    public long Dimension { get; }

    /// <summary>True for the full-rank family.</summary>
    public bool FullRank => _fullRank;

    private MvNormal Base()
    {
        var loc = Parameters.All["loc"];
        Tensor l;
        if (_fullRank)
        {
            // Strictly lower part free, diagonal positive through softplus.
            var raw = Parameters.All["scale_tril"];
            l = raw.tril(-1).Plus(diag(raw.diagonal().Softplus()));
        }
        else
        {
            l = diag(Parameters.All["scale"].Softplus());
        }
        return new MvNormal(loc, l);
    }

    /// <inheritdoc />
    public (ChoiceMap Choices, Tensor LogWeight) RandomWeighted(ViContext vi)
    {
        ArgumentNullException.ThrowIfNull(vi);
        var b = Base();
        var (z, logq) = vi.Draw(b, GradientStrategy.Reparam, null);
        var choices = ChoiceMap.Empty;
        long offset = 0;
        foreach (var (address, bij, shape, size) in _sites)
        {
            var piece = z.narrow(-1, offset, size);
            piece = vi.Particles == 1 ? piece.reshape(shape) : piece.reshape([vi.Particles, .. shape]);
            offset += size;
            choices = choices.Set(address, bij.Forward(piece));
            logq = logq - vi.ReduceToParticles(bij.LogAbsDetJacobian(piece));
        }
        return (choices, logq);
    }

    /// <inheritdoc />
    public Tensor EstimateLogDensity(ViContext vi, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(vi);
        ArgumentNullException.ThrowIfNull(choices);
        var pieces = new List<Tensor>();
        Tensor? logdet = null;
        foreach (var (address, bij, shape, _) in _sites)
        {
            var u = bij.Inverse((Tensor)choices[address]);
            var ld = vi.ReduceToParticles(bij.LogAbsDetJacobian(u));
            logdet = logdet is null ? ld : logdet.Plus(ld);
            pieces.Add(vi.Particles == 1 ? u.reshape(-1) : u.reshape(vi.Particles, -1));
        }
        var z = cat(pieces, -1);
        return vi.LogProb(Base(), z) - logdet!;
    }
}
