namespace Ppl.Autodiff;

/// <summary>
/// Settings of the adaptive ODE solvers in <see cref="OdeSolver"/>. A step is accepted when the root mean square of its
/// local error estimate, each component divided by <c>AbsoluteTolerance + RelativeTolerance · |component|</c>, is at
/// most 1. With sensitivities the sensitivity components are part of that norm, so the derivatives are as accurate
/// as the values.
/// </summary>
public sealed record OdeOptions
{
    /// <summary>The relative tolerance (default 1e-6, as Stan's).</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>The absolute tolerance (default 1e-6, as Stan's).</summary>
    public double AbsoluteTolerance { get; init; } = 1e-6;

    /// <summary>The most steps, accepted and rejected together, over the whole solve (default 100,000).</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>The first step size; null (the default) chooses it from the first derivatives (Hairer, Nørsett and Wanner's rule).</summary>
    public double? InitialStep { get; init; }

    /// <summary>The largest step size (default: unbounded).</summary>
    public double MaxStep { get; init; } = double.PositiveInfinity;

    /// <summary>The defaults.</summary>
    public static OdeOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    internal void Validate()
    {
        if (!(RelativeTolerance > 0 && double.IsFinite(RelativeTolerance)))
            throw new ArgumentException($"OdeOptions.RelativeTolerance must be positive and finite; got {RelativeTolerance}.");
        if (!(AbsoluteTolerance > 0 && double.IsFinite(AbsoluteTolerance)))
            throw new ArgumentException($"OdeOptions.AbsoluteTolerance must be positive and finite; got {AbsoluteTolerance}.");
        if (MaxSteps < 1) throw new ArgumentException($"OdeOptions.MaxSteps must be at least 1; got {MaxSteps}.");
        if (InitialStep is { } h && !(h > 0 && double.IsFinite(h)))
            throw new ArgumentException($"OdeOptions.InitialStep must be positive and finite; got {h}.");
        if (!(MaxStep > 0)) throw new ArgumentException($"OdeOptions.MaxStep must be positive; got {MaxStep}.");
    }
}
