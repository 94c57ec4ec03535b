using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// Base of the tensor distributions: a batch of independent distributions (batch shape) over values of a
/// given event shape, on any device and floating dtype. Samples have shape sample + batch + event;
/// <see cref="LogProb"/> returns sample + batch with the event dimensions summed. Parameters are checked
/// (<see cref="ParameterError"/>) whenever the distribution is sampled or scored.
/// </summary>
public abstract class TensorDistribution : IDistribution<Tensor>, IHasMoments<Tensor>, ITensorLogDensity
{
    /// <summary>Creates the base with the shapes, device and dtype its parameters determine.</summary>
    protected TensorDistribution(long[] batchShape, long[] eventShape, Device device, ScalarType dtype)
    {
        TorchRuntime.EnsureLoaded();   // once per process: Ppl's thread default (a flag check afterwards)
        BatchShape = batchShape;
        EventShape = eventShape;
        Device = device;
        DType = dtype;
    }

    /// <summary>The shape of the batch of independent distributions.</summary>
    public long[] BatchShape { get; }

    /// <summary>The shape of one draw of one distribution of the batch.</summary>
    public long[] EventShape { get; }

    /// <summary>The device of the parameters; samples are drawn there.</summary>
    public Device Device { get; }

    /// <summary>The floating dtype of the parameters, samples and log densities.</summary>
    public ScalarType DType { get; }

    /// <inheritdoc />
    public abstract string Family { get; }

    /// <inheritdoc />
    public virtual bool IsDiscrete => false;

    /// <inheritdoc />
    public abstract Support Support { get; }

    /// <inheritdoc />
    public abstract string? ParameterError { get; }

    /// <summary>True when <see cref="RSample"/> gives draws differentiable with respect to the parameters.</summary>
    public virtual bool HasRSample => false;

    /// <summary>The mean, of shape batch + event (NaN or ∞ where the family has none).</summary>
    public abstract Tensor Mean { get; }

    /// <summary>The elementwise variance, of shape batch + event.</summary>
    public abstract Tensor Variance { get; }

    /// <summary>The bijection from unconstrained space onto the support. Discrete families throw <see cref="NotSupportedException"/>.</summary>
    public virtual ITensorBijector Bijector => throw new NotSupportedException($"{Family} has no bijection to unconstrained space.");

    /// <summary>The same family with the parameters broadcast to <paramref name="batchShape"/>.</summary>
    public abstract TensorDistribution Expand(long[] batchShape);

    /// <summary>One draw per batch member, shape batch + event, without gradient.</summary>
    public virtual Tensor Sample(Rng rng) => Sample(rng, []);

    /// <summary>Draws of shape <paramref name="sampleShape"/> + batch + event, without gradient.</summary>
    public Tensor Sample(Rng rng, long[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Check();
        using var g = rng.TorchGenerator(Device);
        using var ng = no_grad();
        return SampleCore(sampleShape, g);
    }

    /// <summary>
    /// Reparameterised draws of shape <paramref name="sampleShape"/> + batch + event, differentiable with
    /// respect to the parameters. Throws <see cref="NotSupportedException"/> when <see cref="HasRSample"/> is false.
    /// </summary>
    public Tensor RSample(Rng rng, long[]? sampleShape = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!HasRSample) throw new NotSupportedException($"{Family} has no reparameterised sampler.");
        Check();
        using var g = rng.TorchGenerator(Device);
        return RSampleCore(sampleShape ?? [], g);
    }

    /// <summary>
    /// The log density (or mass) of <paramref name="value"/> (shape sample + batch + event, broadcast
    /// against the batch), of shape sample + batch; −∞ outside the support.
    /// </summary>
    public Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Check();
        return LogProbCore(value.to(DType, Device));
    }

    /// <summary>
    /// <see cref="LogProb"/> without the parameter check, for a caller that has just sampled from this
    /// distribution (which checked): variational inference scores each draw right after making it.
    /// </summary>
    internal Tensor LogProbOfOwnDraw(Tensor value) => LogProbCore(value.to(DType, Device));

    /// <summary>
    /// The sum of <see cref="LogProb"/> over every element, as a 0-d tensor (differentiable like it). Families
    /// override <see cref="LogProbSumCore"/> where a fused reduction is cheaper than the elementwise log
    /// densities and their sum, e.g. Bernoulli with logits on a large binary observation.
    /// </summary>
    public Tensor LogProbSum(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return LogProbSumCore(value.to(DType, Device), checkParameters: true);
    }

    /// <summary><see cref="LogProbSum"/> without the parameter check, for a caller that has just sampled from this distribution.</summary>
    internal Tensor LogProbSumOfOwnDraw(Tensor value) => LogProbSumCore(value.to(DType, Device), checkParameters: false);

    /// <summary>The total log density of <paramref name="value"/> (the sum of <see cref="LogProb"/>), as the generic tracer uses it.</summary>
    public double LogDensity(Tensor value)
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        return LogProb(value).to_type(ScalarType.Float64).sum().item<double>();
    }

    /// <inheritdoc />
    public Tensor LogDensityTensor(Tensor value) => LogProbSum(value);

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((Tensor)value);

    /// <summary>Draws with an existing generator (for composite distributions), without gradient.</summary>
    internal Tensor SampleWith(long[] sampleShape, Generator? generator)
    {
        Check();
        using var ng = no_grad();
        return SampleCore(sampleShape, generator);
    }

    /// <summary>Draws without gradient; called inside <c>no_grad</c> after the parameter check.</summary>
    protected abstract Tensor SampleCore(long[] sampleShape, Generator? generator);

    /// <summary>Draws with gradient; families with <see cref="HasRSample"/> override it.</summary>
    protected virtual Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        throw new NotSupportedException($"{Family} has no reparameterised sampler.");

    /// <summary>The log density of a value already converted to <see cref="DType"/> on <see cref="Device"/>.</summary>
    protected abstract Tensor LogProbCore(Tensor value);

    /// <summary>
    /// The summed log density (0-d) of a value already converted to <see cref="DType"/> on <see cref="Device"/>;
    /// by default <see cref="Check"/> (when <paramref name="checkParameters"/>) and the sum of <see cref="LogProbCore"/>.
    /// An override must still reject invalid parameters when asked to check them, but may do so as a by-product of its computation.
    /// </summary>
    protected virtual Tensor LogProbSumCore(Tensor value, bool checkParameters)
    {
        if (checkParameters) Check();
        return LogProbCore(value).sum();
    }

    /// <summary>sample + batch + event.</summary>
    protected long[] ExtendedShape(long[] sampleShape) => [.. sampleShape, .. BatchShape, .. EventShape];

    /// <summary>Throws <see cref="DistributionParameterException"/> when the parameters are invalid.</summary>
    protected void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <summary>
    /// The argument of a CDF or quantile function (<see cref="ITensorCdf"/>), checked not to be null with the
    /// parameters checked valid, in this distribution's dtype and on its device.
    /// </summary>
    /// <param name="x">The argument.</param>
    /// <param name="name">The caller's name for it, in the exception when it is null.</param>
    protected Tensor CheckedArgument(Tensor x, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(x))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        Check();
        return x.to(DType, Device);
    }

    /// <summary>Standard normal noise of the given shape in this distribution's dtype and device.</summary>
    protected Tensor Randn(long[] shape, Generator? g) => randn(shape, DType, Device, generator: g);

    /// <summary>Uniform noise in the open interval (0, 1), safe for logarithms.</summary>
    protected Tensor RandOpen(long[] shape, Generator? g)
    {
        var tiny = DType == ScalarType.Float64 ? 1e-300 : 1e-38;
        return rand(shape, DType, Device, generator: g).Clamp(tiny, 1.0 - (DType == ScalarType.Float64 ? 1e-16 : 6e-8));
    }

    /// <summary><paramref name="logProb"/> where <paramref name="inSupport"/> holds, −∞ elsewhere.</summary>
    protected static Tensor MaskSupport(Tensor logProb, Tensor inSupport) =>
        logProb.MaskedFill(inSupport.logical_not(), double.NegativeInfinity);

    /// <inheritdoc />
    public override string ToString() => $"{Family}(batch [{string.Join(", ", BatchShape)}], event [{string.Join(", ", EventShape)}])";
}
