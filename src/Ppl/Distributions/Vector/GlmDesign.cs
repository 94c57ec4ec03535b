namespace Ppl.Distributions;

/// <summary>
/// What the generalised linear models share: the check of a design matrix given row by row against its
/// coefficients and outcomes, and the linear predictor ηᵢ = α + xᵢ·β.
/// </summary>
internal static class GlmDesign
{
    /// <summary>Null when <paramref name="x"/> has rows of <paramref name="beta"/>.Length finite entries and α and β are finite; else the message.</summary>
    public static string? Check(double[][]? x, double alpha, double[]? beta)
    {
        if (x is null) return "x must not be null";
        if (beta is null) return "beta must not be null";
        if (ParameterChecks.Finite("alpha", alpha) is { } a) return a;
        for (var j = 0; j < beta.Length; j++)
            if (!double.IsFinite(beta[j])) return $"beta[{j}] must be finite, got {ParameterChecks.Format(beta[j])}";
        return CheckRows(x, beta.Length);
    }

    /// <summary>Null when every row of <paramref name="x"/> has <paramref name="columns"/> finite entries; else the message naming the row.</summary>
    public static string? CheckRows(double[][] x, int columns)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var row = x[i];
            if (row is null) return $"x[{i}] must not be null";
            if (row.Length != columns) return $"x[{i}] has {row.Length} entries; beta has {columns} coefficients";
            for (var j = 0; j < row.Length; j++)
                if (!double.IsFinite(row[j])) return $"x[{i}][{j}] must be finite, got {ParameterChecks.Format(row[j])}";
        }
        return null;
    }

    /// <summary>The linear predictor of row <paramref name="i"/>.</summary>
    public static double Eta(double[][] x, int i, double alpha, double[] beta)
    {
        var row = x[i];
        var eta = alpha;
        for (var j = 0; j < row.Length; j++) eta += row[j] * beta[j];
        return eta;
    }

    /// <summary>The message for an observed vector whose length is not the number of rows.</summary>
    public static string LengthMismatch(string family, int values, int rows) =>
        $"{family}: the observed vector has {values} entries; the design has {rows} rows";
}
