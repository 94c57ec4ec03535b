namespace Ppl.Distributions;

/// <summary>Base for scalar bijectors: implements the span-based interface from the scalar methods.</summary>
public abstract class ScalarBijector : IScalarBijector
{
    /// <inheritdoc />
    public int UnconstrainedSize => 1;

    /// <inheritdoc />
    public abstract double Forward(double unconstrained);

    /// <inheritdoc />
    public abstract double Inverse(double value);

    /// <inheritdoc />
    public abstract double LogAbsDetJacobian(double unconstrained);

    /// <inheritdoc />
    public double Forward(ReadOnlySpan<double> unconstrained) => Forward(unconstrained[0]);

    /// <inheritdoc />
    public void Inverse(double value, Span<double> unconstrained) => unconstrained[0] = Inverse(value);

    /// <inheritdoc />
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained) => LogAbsDetJacobian(unconstrained[0]);
}

/// <summary>The identity on ℝ.</summary>
public sealed class IdentityBijector : ScalarBijector
{
    /// <summary>The single instance.</summary>
    public static IdentityBijector Instance { get; } = new();

    /// <inheritdoc />
    public override double Forward(double unconstrained) => unconstrained;

    /// <inheritdoc />
    public override double Inverse(double value) => value;

    /// <inheritdoc />
    public override double LogAbsDetJacobian(double unconstrained) => 0.0;
}

/// <summary>x = lower + exp(u): ℝ onto (lower, ∞).</summary>
public sealed class LowerBoundBijector(double lower) : ScalarBijector
{
    /// <summary>exp: ℝ onto (0, ∞).</summary>
    public static LowerBoundBijector Positive { get; } = new(0.0);

    /// <summary>The lower bound.</summary>
    public double Lower { get; } = lower;

    /// <inheritdoc />
    public override double Forward(double unconstrained) => Lower + Math.Exp(unconstrained);

    /// <inheritdoc />
    public override double Inverse(double value) => Math.Log(value - Lower);

    /// <inheritdoc />
    public override double LogAbsDetJacobian(double unconstrained) => unconstrained;
}

/// <summary>x = lower + (upper − lower)·σ(u): ℝ onto (lower, upper).</summary>
public sealed class IntervalBijector(double lower, double upper) : ScalarBijector
{
    /// <summary>σ: ℝ onto (0, 1).</summary>
    public static IntervalBijector Unit { get; } = new(0.0, 1.0);

    /// <summary>The lower bound.</summary>
    public double Lower { get; } = lower;

    /// <summary>The upper bound.</summary>
    public double Upper { get; } = upper;

    /// <inheritdoc />
    public override double Forward(double unconstrained) => Lower + (Upper - Lower) * Logistic(unconstrained);

    /// <inheritdoc />
    public override double Inverse(double value)
    {
        var p = (value - Lower) / (Upper - Lower);
        return Math.Log(p) - MathUtil.Log1p(-p);
    }

    /// <inheritdoc />
    public override double LogAbsDetJacobian(double unconstrained) =>
        Math.Log(Upper - Lower) - MathUtil.SoftPlus(-unconstrained) - MathUtil.SoftPlus(unconstrained);

    private static double Logistic(double u) => MathUtil.Logistic(u);

}

/// <summary>x = upper − exp(u): ℝ onto (−∞, upper).</summary>
public sealed class UpperBoundBijector(double upper) : ScalarBijector
{
    /// <summary>The upper bound.</summary>
    public double Upper { get; } = upper;

    /// <inheritdoc />
    public override double Forward(double unconstrained) => Upper - Math.Exp(unconstrained);

    /// <inheritdoc />
    public override double Inverse(double value) => Math.Log(Upper - value);

    /// <inheritdoc />
    public override double LogAbsDetJacobian(double unconstrained) => unconstrained;
}
