namespace Ppl.Distributions;

/// <summary>
/// What every distribution offers regardless of its value type: metadata that inference uses to pick
/// kernels and transforms, and a parameter check that handlers run before using it.
/// </summary>
public interface IDistribution
{
    /// <summary>The family's name, e.g. <c>"Normal"</c>.</summary>
    string Family { get; }

    /// <summary>True for distributions over integers or booleans (densities are probability masses).</summary>
    bool IsDiscrete { get; }

    /// <summary>The support, as a description inference can reason about.</summary>
    Support Support { get; }

    /// <summary>
    /// Null when the parameters are valid; otherwise a message naming the parameter and its value, e.g.
    /// <c>"sigma must be positive and finite, got -1"</c>. Handlers check this at every site and throw an
    /// error that names the address too.
    /// </summary>
    string? ParameterError { get; }

    /// <summary>Draws a value (boxed).</summary>
    object SampleBoxed(Rng rng);

    /// <summary>The log density (or log mass) of a boxed value; −∞ outside the support.</summary>
    double LogDensityBoxed(object value);
}

/// <summary>
/// A probability distribution over values of type <typeparamref name="T"/>. Scalar families are
/// readonly structs, so generated model code can use them without allocating.
/// </summary>
/// <typeparam name="T">The value type: double, int, bool, double[], a tensor…</typeparam>
public interface IDistribution<T> : IDistribution
{
    /// <summary>Draws a value. Throws <see cref="DistributionParameterException"/> when the parameters are invalid.</summary>
    T Sample(Rng rng);

    /// <summary>
    /// The log density (continuous) or log mass (discrete) at <paramref name="value"/>; −∞ outside the
    /// support, never an exception for a value of the right type. Throws
    /// <see cref="DistributionParameterException"/> when the parameters are invalid.
    /// </summary>
    double LogDensity(T value);
}

/// <summary>A distribution with closed-form mean and variance.</summary>
public interface IHasMoments<T>
{
    /// <summary>The mean (may be infinite or NaN where the family has none, e.g. Cauchy).</summary>
    T Mean { get; }

    /// <summary>The variance (elementwise for vectors).</summary>
    T Variance { get; }
}

/// <summary>
/// A univariate continuous distribution with its cumulative distribution function, in log space where the tails need
/// it: what <see cref="Truncated{D}"/> normalises with and samples by. Each method throws
/// <see cref="DistributionParameterException"/> when the parameters are invalid and returns NaN for a NaN argument.
/// </summary>
public interface IHasCdf : IDistribution<double>
{
    /// <summary>P(X ≤ x).</summary>
    double Cdf(double x);

    /// <summary>log P(X ≤ x), accurate where P(X ≤ x) is tiny.</summary>
    double LogCdf(double x);

    /// <summary>log P(X &gt; x), the log of the complementary CDF (survival function), accurate where it is tiny.</summary>
    double LogCcdf(double x);
}

/// <summary>A continuous distribution with a bijection from unconstrained space onto its support.</summary>
public interface IHasBijector<T>
{
    /// <summary>The bijection from ℝⁿ onto the support, with its log-Jacobian.</summary>
    IBijector<T> Bijector { get; }
}

/// <summary>
/// A distribution whose support is a finite list of values, which exact enumeration visits one by one.
/// </summary>
public interface IFiniteDistribution<T> : IDistribution<T>
{
    /// <summary>Number of values in the support (values of mass zero may be included).</summary>
    int SupportSize { get; }

    /// <summary>The <paramref name="index"/>-th value of the support.</summary>
    T SupportValue(int index);

    /// <summary>Draws directly, without the enumeration hook (<see cref="Rng.DrawFinite{T}"/> calls this).</summary>
    T SampleDirect(Rng rng);
}
