using System.Globalization;

namespace Ppl.Distributions;

/// <summary>
/// Builds the messages of <see cref="IDistribution.ParameterError"/>: each names the parameter and its
/// value, formatted invariantly so messages do not depend on the machine's culture.
/// </summary>
internal static class ParameterChecks
{
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static string? Finite(string name, double v) =>
        double.IsFinite(v) ? null : $"{name} must be finite, got {Format(v)}";

    public static string? Positive(string name, double v) =>
        v > 0 && !double.IsPositiveInfinity(v) ? null : $"{name} must be positive and finite, got {Format(v)}";

    public static string? Probability(string name, double v) =>
        v is >= 0 and <= 1 ? null : $"{name} must be in [0, 1], got {Format(v)}";

    public static string? OpenClosedProbability(string name, double v) =>
        v is > 0 and <= 1 ? null : $"{name} must be in (0, 1], got {Format(v)}";

    /// <summary>Checks a probability vector: non-null, non-empty, entries in [0, 1], sum 1 up to rounding.</summary>
    public static string? ProbabilityVector(string name, double[]? p)
    {
        if (p is null) return $"{name} must not be null";
        if (p.Length == 0) return $"{name} must not be empty";
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0) || p[i] > 1) return $"{name}[{i}] must be in [0, 1], got {Format(p[i])}";
            sum += p[i];
        }
        // Rounding in a user's normalisation leaves ~K·ε; 1e-8 catches forgotten normalisation without being fussy.
        return Math.Abs(sum - 1) <= 1e-8 * Math.Max(1, p.Length) ? null : $"{name} must sum to 1, got sum {Format(sum)}";
    }

    public static string? FiniteVector(string name, double[]? v)
    {
        if (v is null) return $"{name} must not be null";
        if (v.Length == 0) return $"{name} must not be empty";
        for (var i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) return $"{name}[{i}] must be finite, got {Format(v[i])}";
        return null;
    }

    /// <summary>Checks a lower-triangular factor with a positive diagonal (a Cholesky factor of a covariance).</summary>
    public static string? CholeskyFactor(string name, double[,]? l, int dimension)
    {
        if (l is null) return $"{name} must not be null";
        if (l.GetLength(0) != dimension || l.GetLength(1) != dimension)
            return $"{name} must be {dimension}x{dimension}, got {l.GetLength(0)}x{l.GetLength(1)}";
        for (var i = 0; i < dimension; i++)
        {
            if (!(l[i, i] > 0) || double.IsPositiveInfinity(l[i, i]))
                return $"{name}[{i},{i}] must be positive and finite, got {Format(l[i, i])}";
            for (var j = 0; j < i; j++)
                if (!double.IsFinite(l[i, j])) return $"{name}[{i},{j}] must be finite, got {Format(l[i, j])}";
            for (var j = i + 1; j < dimension; j++)
                if (l[i, j] != 0) return $"{name} must be lower-triangular, got {name}[{i},{j}] = {Format(l[i, j])}";
        }
        return null;
    }
}
