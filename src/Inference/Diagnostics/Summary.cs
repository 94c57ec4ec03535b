using System.Globalization;
using System.Text;

namespace Ppl.Inference.Diagnostics;

/// <summary>A posterior summary table like Stan's and ArviZ's: one <see cref="SummaryRow"/> per parameter.</summary>
public sealed class Summary
{
    private Summary(IReadOnlyList<SummaryRow> rows) => Rows = rows;

    /// <summary>The rows, in parameter order.</summary>
    public IReadOnlyList<SummaryRow> Rows { get; }

    /// <summary>The row of the named parameter.</summary>
    public SummaryRow this[string name] => Rows.FirstOrDefault(r => r.Name == name) is { Name: not null } r
        ? r
        : throw new KeyNotFoundException($"No parameter '{name}' in the summary.");

    /// <summary>Summarises parameters given as draws[parameter][chain][draw].</summary>
    public static Summary Of(IReadOnlyList<string> names, double[][][] draws)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(draws);
        var rows = new SummaryRow[names.Count];
        Parallel.For(0, names.Count, i =>
        {
            var x = draws[i];
            var all = x.SelectMany(c => c).ToArray();
            Array.Sort(all);
            rows[i] = new SummaryRow(names[i], all.Average(), Math.Sqrt(ChainMath.Variance(all)),
                ChainMath.QuantileSorted(all, 0.05), ChainMath.QuantileSorted(all, 0.5), ChainMath.QuantileSorted(all, 0.95),
                ConvergenceDiagnostics.McseMean(x), ConvergenceDiagnostics.McseQuantile(x, 0.05), ConvergenceDiagnostics.McseQuantile(x, 0.95),
                ConvergenceDiagnostics.EssBulk(x), ConvergenceDiagnostics.EssTail(x), ConvergenceDiagnostics.Rhat(x));
        });
        return new Summary(rows);
    }

    /// <summary>The largest R-hat.</summary>
    public double MaxRhat => Rows.Max(r => r.Rhat);

    /// <summary>The smallest bulk ESS.</summary>
    public double MinEssBulk => Rows.Min(r => r.EssBulk);

    /// <summary>The smallest tail ESS.</summary>
    public double MinEssTail => Rows.Min(r => r.EssTail);

    /// <summary>The table as fixed-width text.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var w = Math.Max(8, Rows.Max(r => r.Name.Length) + 1);
        sb.Append("".PadRight(w));
        foreach (var h in new[] { "mean", "sd", "5%", "50%", "95%", "mcse", "ess_bulk", "ess_tail", "r_hat" }) sb.Append(h.PadLeft(10));
        sb.AppendLine();
        foreach (var r in Rows)
        {
            sb.Append(r.Name.PadRight(w));
            foreach (var v in new[] { r.Mean, r.Sd, r.Q5, r.Median, r.Q95, r.McseMean }) sb.Append(Cell(v, "F3"));
            sb.Append(Cell(r.EssBulk, "F0"));
            sb.Append(Cell(r.EssTail, "F0"));
            sb.Append(Cell(r.Rhat, "F3"));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>
    /// One right-aligned cell of the text table, always separated from its neighbour: NaN and infinities as words, and
    /// numbers too wide for fixed-point (a chain that diverged, an R-hat of a stuck chain) in scientific notation.
    /// </summary>
    internal static string Cell(double v, string format)
    {
        var text = FormatNumber(v, format);
        return " " + text.PadLeft(9);
    }

    /// <summary>A number for a summary table (text or HTML): "NaN", "inf", "-inf", fixed-point, or scientific when fixed-point would not fit in 9 characters.</summary>
    public static string FormatNumber(double v, string format)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        var text = v.ToString(format, CultureInfo.InvariantCulture);
        return text.Length <= 9 ? text : v.ToString("0.###e+0", CultureInfo.InvariantCulture);
    }
}
