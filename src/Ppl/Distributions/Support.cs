using System.Globalization;

namespace Ppl.Distributions;

/// <summary>The kinds of support a distribution can have.</summary>
public enum SupportKind
{
    /// <summary>All real numbers (or ℝⁿ for vectors).</summary>
    Real,
    /// <summary>(0, ∞).</summary>
    Positive,
    /// <summary>An open or closed interval (Lower, Upper).</summary>
    Interval,
    /// <summary>Integers in [Lower, Upper] (Upper may be +∞).</summary>
    Integers,
    /// <summary>{false, true}.</summary>
    Boolean,
    /// <summary>The probability simplex of the given dimension.</summary>
    Simplex,
    /// <summary>Lower-triangular Cholesky factors of correlation matrices.</summary>
    CorrelationCholesky,
    /// <summary>Vectors of non-negative integers summing to a total (multinomial counts).</summary>
    IntegerVector,
    /// <summary>A single point.</summary>
    Point,
    /// <summary>Whatever the components of a mixture allow.</summary>
    Mixed,
    /// <summary>Strictly increasing vectors of the given dimension with entries in [Lower, Upper) (Stan's <c>ordered</c>; <c>positive_ordered</c> when Lower is 0).</summary>
    Ordered,
    /// <summary>Symmetric positive-definite matrices of the given dimension (covariance matrices).</summary>
    PositiveDefinite,
    /// <summary>Unit vectors of the given dimension: the sphere Sⁿ⁻¹ = {x ∈ ℝⁿ : ‖x‖ = 1}.</summary>
    UnitSphere,
    /// <summary>Lower-triangular matrices of the given dimension with a positive diagonal (Cholesky factors of covariance matrices).</summary>
    CholeskyFactor,
}

/// <summary>A description of a distribution's support.</summary>
/// <param name="Kind">The kind of set.</param>
/// <param name="Lower">Lower bound for intervals and integer ranges.</param>
/// <param name="Upper">Upper bound for intervals and integer ranges.</param>
/// <param name="Dimension">The dimension of vector supports (1 for scalars).</param>
public sealed record Support(SupportKind Kind, double Lower = double.NegativeInfinity, double Upper = double.PositiveInfinity, int Dimension = 1)
{
    /// <summary>ℝ.</summary>
    public static Support Real { get; } = new(SupportKind.Real);

    /// <summary>(0, ∞).</summary>
    public static Support Positive { get; } = new(SupportKind.Positive, 0, double.PositiveInfinity);

    /// <summary>(0, 1).</summary>
    public static Support UnitInterval { get; } = new(SupportKind.Interval, 0, 1);

    /// <summary>{0, 1, 2, …}.</summary>
    public static Support NonNegativeIntegers { get; } = new(SupportKind.Integers, 0, double.PositiveInfinity);

    /// <summary>{false, true}.</summary>
    public static Support Boolean { get; } = new(SupportKind.Boolean, 0, 1);

    /// <summary>(lower, upper).</summary>
    public static Support Interval(double lower, double upper) => new(SupportKind.Interval, lower, upper);

    /// <summary>{lower, …, upper}.</summary>
    public static Support IntegerRange(int lower, int upper) => new(SupportKind.Integers, lower, upper);

    /// <summary>ℝⁿ.</summary>
    public static Support RealVector(int dimension) => new(SupportKind.Real, Dimension: dimension);

    /// <summary>The simplex in ℝⁿ.</summary>
    public static Support SimplexOf(int dimension) => new(SupportKind.Simplex, 0, 1, dimension);

    /// <summary>Symmetric positive-definite n×n matrices.</summary>
    public static Support PositiveDefiniteOf(int dimension) => new(SupportKind.PositiveDefinite, Dimension: dimension);

    /// <summary>Lower-triangular n×n matrices with a positive diagonal (Cholesky factors of covariance matrices).</summary>
    public static Support CholeskyFactorOf(int dimension) => new(SupportKind.CholeskyFactor, Dimension: dimension);

    /// <summary>Unit vectors in ℝⁿ (the sphere Sⁿ⁻¹).</summary>
    public static Support UnitSphereOf(int dimension) => new(SupportKind.UnitSphere, -1, 1, dimension);

    /// <summary>Cholesky factors of n×n correlation matrices.</summary>
    public static Support CorrelationCholeskyOf(int dimension) => new(SupportKind.CorrelationCholesky, -1, 1, dimension);

    /// <summary>True when the support is continuous.</summary>
    public bool IsContinuous => Kind is SupportKind.Real or SupportKind.Positive or SupportKind.Interval or SupportKind.Simplex or SupportKind.CorrelationCholesky;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        SupportKind.Real => Dimension == 1 ? "real" : $"real^{Dimension}",
        SupportKind.Positive => "positive",
        SupportKind.Interval => string.Create(CultureInfo.InvariantCulture, $"({Lower}, {Upper})"),
        SupportKind.Integers => double.IsPositiveInfinity(Upper)
            ? string.Create(CultureInfo.InvariantCulture, $"integers >= {Lower}")
            : string.Create(CultureInfo.InvariantCulture, $"integers {Lower}..{Upper}"),
        SupportKind.Boolean => "boolean",
        SupportKind.Simplex => $"simplex^{Dimension}",
        SupportKind.CorrelationCholesky => $"correlation-cholesky {Dimension}x{Dimension}",
        SupportKind.IntegerVector => $"integer^{Dimension}",
        SupportKind.Point => "point",
        SupportKind.UnitSphere => $"unit-vector^{Dimension}",
        SupportKind.CholeskyFactor => $"cholesky-factor {Dimension}x{Dimension}",
        _ => "mixed",
    };
}
