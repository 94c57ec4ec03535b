using Ppl.Distributions.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// The handler a batched model is written against: one execution of the model stands for N particles
/// (or chains). <see cref="Sample"/> draws all N values of a random choice in one call, as a tensor whose
/// leading dimension is N; scores and weights are [N] tensors. A distribution's parameters either carry
/// that leading dimension N (per-particle parameters) or none (shared parameters, drawn N times).
/// Every tensor it creates uses <see cref="Device"/> and <see cref="DType"/>.
/// </summary>
public sealed partial class BatchedTracer
{
    private readonly Rng _rng;
    private readonly TensorRandom _random;
    private readonly BatchedChoices? _constraints;
    private readonly bool _assess;

    internal BatchedTracer(int particles, Device device, ScalarType dtype, Rng rng, BatchedChoices? constraints, bool assess, bool reparameterize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        Particles = particles;
        Device = device;
        DType = dtype;
        _rng = rng;
        _random = new TensorRandom(rng, device);
        _constraints = constraints;
        _assess = assess;
        Reparameterize = reparameterize;
        Score = zeros(particles, dtype, device);
        Weight = zeros(particles, dtype, device);
    }

    /// <summary>N, the number of executions this one stands for.</summary>
    public int Particles { get; }

    /// <summary>The device every tensor of this execution lives on.</summary>
    public Device Device { get; }

    /// <summary>The floating dtype of values, scores and weights.</summary>
    public ScalarType DType { get; }

    /// <summary>
    /// True when unconstrained choices are drawn with the reparameterised sampler (differentiable with
    /// respect to the distribution's parameters), as variational inference needs.
    /// </summary>
    public bool Reparameterize { get; }

    /// <summary>The log joint density of every choice made so far, per particle: [N].</summary>
    public Tensor Score { get; private set; }

    /// <summary>The log density of the constrained and observed choices and factors so far, per particle: [N].</summary>
    public Tensor Weight { get; private set; }

    /// <summary>The choices made so far.</summary>
    public BatchedChoices Choices { get; } = new();

    /// <summary>
    /// A random choice at <paramref name="address"/>: the constrained value when one is given (its log
    /// density joins the weight), otherwise N fresh draws. Returns the values, shape [N] + event (or the
    /// shared constrained value).
    /// </summary>
    public Tensor Sample(Address address, TensorDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        CheckFresh(address);
        if (_constraints is not null && _constraints.TryGet(address, out var given))
        {
            var v = Convert(address, given);
            var lp = Reduce(address, LogProb(address, distribution, v));
            Weight = Weight.Plus(lp);
            Score = Score.Plus(lp);
            SetChoice(address, v);
            return v;
        }
        if (_assess) throw new ModelException($"Assess of a batched model needs a value at '{address}', which the given choices lack.", address);
        var perParticle = distribution.BatchShape.Length > 0 && distribution.BatchShape[0] == Particles;
        long[] sampleShape = perParticle ? [] : [Particles];
        Tensor x;
        if (Reparameterize && distribution.HasRSample) x = distribution.RSample(_rng, sampleShape);
        else x = WithAddress(address, () => distribution.SampleWith(sampleShape, _random.Next()));
        var s = Reduce(address, LogProb(address, distribution, x));
        Score = Score.Plus(s);
        return SetChoice(address, x);
    }

    /// <summary>
    /// An observed choice: <paramref name="value"/> (shared, or with leading dimension N) is scored under
    /// <paramref name="distribution"/> and joins the weight. A constraint at the same address overrides it.
    /// </summary>
    public Tensor Observe(Address address, TensorDistribution distribution, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(value);
        CheckFresh(address);
        var v = _constraints is not null && _constraints.TryGet(address, out var given) ? Convert(address, given) : Convert(address, value);
        var lp = Reduce(address, LogProb(address, distribution, v));
        Weight = Weight.Plus(lp);
        Score = Score.Plus(lp);
        SetChoice(address, v);
        return v;
    }

    /// <summary>An observed scalar shared by every particle.</summary>
    public Tensor Observe(Address address, TensorDistribution distribution, double value) =>
        Observe(address, distribution, tensor(value, DType, Device));

    /// <summary>Adds a log factor (shared scalar or per-particle [N]) to the score and the weight.</summary>
    public void Factor(Tensor logFactor)
    {
        ArgumentNullException.ThrowIfNull(logFactor);
        var f = Reduce("factor", logFactor.to(DType, Device));
        Weight = Weight.Plus(f);
        Score = Score.Plus(f);
    }

    /// <summary>A 0-d tensor of this execution's dtype on its device.</summary>
    public Tensor Scalar(double value) => tensor(value, DType, Device);

    /// <summary>A tensor of this execution's dtype on its device holding <paramref name="values"/>.</summary>
    public Tensor Constant(double[] values) => tensor(values, DType, Device);

    /// <summary>A tensor of this execution's dtype on its device holding <paramref name="values"/>, shape rows × columns.</summary>
    public Tensor Constant(double[,] values) => tensor(values, DType, Device);

    internal void DisposeGenerator() => _random.Dispose();

    private Tensor Convert(Address address, Tensor value)
    {
        _ = address;
        return value.dtype == DType && value.device.type == Device.type && value.device.index == Device.index ? value : value.to(DType, Device);
    }

    private static Tensor LogProb(Address address, TensorDistribution d, Tensor v) => WithAddress(address, () => d.LogProb(v));

    private static T WithAddress<T>(Address address, Func<T> f)
    {
        try
        {
            return f();
        }
        catch (DistributionParameterException e) when (e.Address is null)
        {
            throw new DistributionParameterException(e.Family, e.Problem, address);
        }
        catch (Exception e) when (e is ArgumentException or System.Runtime.InteropServices.ExternalException)
        {
            throw new ModelException($"At '{address}': {e.Message}", address, e);
        }
    }

    /// <summary>Brings a log density to [N]: sums dimensions after the particle one, broadcasts shared ones.</summary>
    private Tensor Reduce(Address address, Tensor lp) => ApplyMask(ReduceUnmasked(lp));

    private Tensor ReduceUnmasked(Tensor lp)
    {
        if (lp.dim() == 0) return lp.expand(Particles);
        if (lp.shape[0] == Particles) return lp.dim() == 1 ? lp : lp.flatten(1).sum(dim: 1);
        if (lp.shape[0] == 1 && lp.dim() == 1) return lp.expand(Particles);
        return lp.sum().expand(Particles);
    }
}
