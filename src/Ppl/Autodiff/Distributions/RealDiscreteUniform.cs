using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The uniform distribution on the integers lower, …, upper: the counterpart of <see cref="DiscreteUniform"/>
/// among the <see cref="Real"/> families. It has no real parameter (its log probability is a constant), and
/// exists so that every <c>Dist</c> factory has a <c>RealDist</c> twin.
/// </summary>
public readonly struct RealDiscreteUniform : IRealDiscrete<int>, IRealFiniteDiscrete
{
    /// <summary>Creates DiscreteUniform(<paramref name="lower"/>, <paramref name="upper"/>). Parameters are checked when the distribution is used.</summary>
    public RealDiscreteUniform(int lower, int upper)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The smallest value.</summary>
    public int Lower { get; }

    /// <summary>The largest value, at least the smallest.</summary>
    public int Upper { get; }

    /// <inheritdoc />
    public string Family => "DiscreteUniform";

    /// <inheritdoc />
    public string? ParameterError => new DiscreteUniform(Lower, Upper).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new DiscreteUniform(Lower, Upper);

    /// <inheritdoc />
    public long SupportMin => Lower;

    /// <inheritdoc />
    public long SupportMax => Upper;

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        if (Upper < Lower) return double.NaN;
        if (value < Lower || value > Upper) return double.NegativeInfinity;
        return -Math.Log((double)Upper - Lower + 1);
    }

    /// <inheritdoc />
    public override string ToString() => $"DiscreteUniform({Lower}, {Upper})";
}
