namespace Ppl.Autodiff;

/// <summary>
/// A scalar distribution whose parameters are <see cref="Real"/> tape values: what the differentiable
/// form of a <c>[Model]</c> method calls at each site, so that the log density is differentiated with
/// respect to the parameters as well as the value. Each family mirrors one of <c>Ppl.Distributions</c>
/// (same name, same parameters in the same order) and agrees with it on values.
/// <para>
/// Contract, relied on by the differentiable form for speed: <see cref="IRealContinuous.LogDensity"/> (and <see cref="IRealDiscrete{T}.LogProbability"/>) never throws and
/// checks its parameters with plain comparisons; with an invalid parameter (a scale ≤ 0, a NaN, an
/// empty interval…) it returns NaN, so one NaN check of the total catches every invalid site, and
/// <see cref="ParameterError"/> then names the parameter and value (the same message as the double family).
/// Outside the support the log density is −∞.
/// </para>
/// </summary>
public interface IRealDistribution
{
    /// <summary>The family's name, as the double family's <c>Family</c>.</summary>
    string Family { get; }

    /// <summary>Null when the parameters are valid; otherwise a message naming the parameter and its value.</summary>
    string? ParameterError { get; }

    /// <summary>
    /// The double-valued family at the parameters' current values (boxed): what kernels that read a site's
    /// distribution (enumerative Gibbs its support, elliptical slice its Normal prior) see of a generated model.
    /// </summary>
    Ppl.Distributions.IDistribution AtValues();
}

/// <summary>A continuous scalar distribution over <see cref="Real"/> parameters, with its map from ℝ onto the support.</summary>
public interface IRealContinuous : IRealDistribution
{
    /// <summary>log p(x); −∞ outside the support; NaN when a parameter is invalid.</summary>
    Real LogDensity(Real x);

    /// <summary>
    /// Maps an unconstrained u ∈ ℝ onto the support (identity, lower + eᵘ, lower + (upper − lower)·σ(u)…)
    /// and adds log |dx/du| to <paramref name="logJacobian"/>. Both are on the tape, so a support whose
    /// bounds depend on other choices (<c>Uniform(0, 1 − α)</c>) is differentiated through its bounds too.
    /// </summary>
    Real Constrain(Real u, ref Real logJacobian);

    /// <summary>The unconstrained coordinate of a value in the support (the inverse of <see cref="Constrain"/>); ±∞ or NaN outside it.</summary>
    double Unconstrain(double x);
}

/// <summary>
/// A continuous scalar distribution over <see cref="Real"/> parameters with its CDF on the tape: what
/// <see cref="RealTruncated{D}"/> normalises with. The double family at the current values (<see cref="IRealDistribution.AtValues"/>)
/// implements <see cref="Ppl.Distributions.IHasCdf"/>.
/// </summary>
public interface IRealCdf : IRealContinuous
{
    /// <summary>log P(X ≤ x), differentiated in x and in the parameters; NaN when a parameter is invalid or x is NaN.</summary>
    Real LogCdf(Real x);

    /// <summary>log P(X &gt; x), differentiated in x and in the parameters; NaN when a parameter is invalid or x is NaN.</summary>
    Real LogCcdf(Real x);

    /// <summary>The lower end of the support (−∞, 0, or a bound that is itself a tape value).</summary>
    Real SupportLower { get; }

    /// <summary>The upper end of the support (+∞ or a bound that is itself a tape value).</summary>
    Real SupportUpper { get; }
}

/// <summary>A discrete distribution over <see cref="Real"/> parameters: its values are held fixed, its log probability is differentiated in the parameters.</summary>
/// <typeparam name="T">The value type (int or bool).</typeparam>
public interface IRealDiscrete<in T> : IRealDistribution
{
    /// <summary>log P(value); −∞ outside the support; NaN when a parameter is invalid.</summary>
    Real LogProbability(T value);
}

/// <summary>
/// A distribution over a whole vector (a vectorised family or a fused GLM) over <see cref="Real"/> parameters: what an
/// observation of a vector calls in the differentiable form. The observed vector is data; its log density is
/// differentiated in the parameters, as one fused operation on the tape.
/// </summary>
/// <typeparam name="T">The observed vector's type (double[], bool[] or int[]).</typeparam>
public interface IRealVectorObservation<in T> : IRealDistribution
{
    /// <summary>log p(value); −∞ outside the support; NaN when a parameter or a shape is invalid.</summary>
    Real LogDensity(T value);
}
