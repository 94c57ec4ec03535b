using System.Globalization;
using System.Text;
using Ppl.Display;

namespace Ppl.Inference;

/// <summary>The posterior of one scalar choice: weighted moments and quantiles.</summary>
/// <param name="Address">The choice.</param>
/// <param name="Mean">The self-normalised posterior mean.</param>
/// <param name="StandardDeviation">The posterior standard deviation.</param>
/// <param name="Q05">The 5% weighted quantile.</param>
/// <param name="Median">The 50% weighted quantile.</param>
/// <param name="Q95">The 95% weighted quantile.</param>
/// <param name="Presence">The posterior probability that the choice exists (below 1 when the model's structure varies).</param>
public sealed record PosteriorRow(Address Address, double Mean, double StandardDeviation, double Q05, double Median, double Q95, double Presence);

/// <summary>
/// A table of posterior summaries, one row per scalar choice, with the run's effective sample size and
/// evidence estimate. Renders as text (<see cref="ToString"/>) and as HTML (<see cref="ToHtml"/>).
/// </summary>
public sealed class PosteriorSummary
{
    /// <summary>Wraps computed rows.</summary>
    public PosteriorSummary(IReadOnlyList<PosteriorRow> rows, int particles, double effectiveSampleSize, double logEvidence)
    {
        Rows = rows;
        Particles = particles;
        EffectiveSampleSize = effectiveSampleSize;
        LogEvidence = logEvidence;
    }

    /// <summary>One row per summarised choice, in address order.</summary>
    public IReadOnlyList<PosteriorRow> Rows { get; }

    /// <summary>The number of particles summarised.</summary>
    public int Particles { get; }

    /// <summary>Kish's effective sample size of the weights.</summary>
    public double EffectiveSampleSize { get; }

    /// <summary>The log evidence estimate of the run.</summary>
    public double LogEvidence { get; }

    /// <summary>The row of <paramref name="address"/>.</summary>
    /// <exception cref="KeyNotFoundException">The address was not summarised.</exception>
    public PosteriorRow this[Address address] =>
        Rows.FirstOrDefault(r => r.Address == address)
        ?? throw new KeyNotFoundException($"No summary for '{address}'. Summarised: {string.Join(", ", Rows.Select(r => r.Address))}.");

    /// <summary>The summary as an HTML table.</summary>
    public HtmlTable ToHtmlTable()
    {
        var hasPresence = Rows.Any(r => r.Presence < 1);
        var headers = new List<string> { "address", "mean", "sd", "5%", "50%", "95%" };
        if (hasPresence) headers.Add("P(exists)");
        var table = new HtmlTable(headers.ToArray())
        {
            Caption = $"posterior from {Particles} particles: ESS {EffectiveSampleSize:F1}, log evidence {LogEvidence.ToString("G6", CultureInfo.InvariantCulture)}",
        };
        foreach (var r in Rows)
        {
            var cells = new List<object?> { r.Address.ToString(), r.Mean, r.StandardDeviation, r.Q05, r.Median, r.Q95 };
            if (hasPresence) cells.Add(r.Presence);
            table.AddRow(cells.ToArray());
        }
        if (Rows.Count == 0) table.AddNote("(no scalar choices to summarise)");
        return table;
    }

    /// <summary>The summary as an HTML fragment.</summary>
    public string ToHtml() => ToHtmlTable().ToHtml();

    /// <summary>A fixed-width text table.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"posterior from {Particles} particles: ESS {EffectiveSampleSize:F1}, log evidence {LogEvidence:G6}");
        var width = Math.Max(8, Rows.Select(r => r.Address.ToString().Length).DefaultIfEmpty(0).Max());
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"address".PadRight(width)} {"mean",10} {"sd",10} {"5%",10} {"50%",10} {"95%",10}");
        foreach (var r in Rows)
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Address.ToString().PadRight(width)} {r.Mean,10:G4} {r.StandardDeviation,10:G4} {r.Q05,10:G4} {r.Median,10:G4} {r.Q95,10:G4}");
        return sb.ToString().TrimEnd();
    }
}
