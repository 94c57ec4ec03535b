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
            foreach (var v in new[] { r.Mean, r.Sd, r.Q5, r.Median, r.Q95, r.McseMean }) sb.Append(v.ToString("F3", CultureInfo.InvariantCulture).PadLeft(10));
            sb.Append(r.EssBulk.ToString("F0", CultureInfo.InvariantCulture).PadLeft(10));
            sb.Append(r.EssTail.ToString("F0", CultureInfo.InvariantCulture).PadLeft(10));
            sb.Append(r.Rhat.ToString("F3", CultureInfo.InvariantCulture).PadLeft(10));
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
