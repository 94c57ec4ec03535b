using System.Globalization;
using System.Text;

namespace Ppl.Inference.Smc;

/// <summary>The per-step table and the path-degeneracy measure shared by every SMC result.</summary>
internal static class SmcSummary
{
    /// <summary>Kish's ESS (Σw)²/Σw² of log weights, each taken relative to <paramref name="logEvidence"/> so no weight overflows.</summary>
    public static double KishEss(IReadOnlyList<double> logWeights, double logEvidence)
    {
        double s = 0, s2 = 0;
        foreach (var lw in logWeights)
        {
            var w = Math.Exp(lw - logEvidence);
            s += w;
            s2 += w * w;
        }
        return s * s / s2;
    }

    /// <summary>
    /// For each step s, how many particles alive at step s are ancestors of the final population: N means no
    /// coalescence, 1 means every final path shares its history up to s. <paramref name="ancestry"/>[s] maps the
    /// particles after step s's resampling to their parents at step s (null: not resampled).
    /// </summary>
    public static int[] SurvivingLineages(IReadOnlyList<int[]?> ancestry, int n)
    {
        var result = new int[ancestry.Count];
        var current = new bool[n];
        var next = new bool[n];
        Array.Fill(current, true);
        var count = n;
        for (var s = ancestry.Count - 1; s >= 0; s--)
        {
            if (ancestry[s] is { } parents)
            {
                Array.Clear(next);
                count = 0;
                for (var i = 0; i < n; i++)
                    if (current[i] && !next[parents[i]])
                    {
                        next[parents[i]] = true;
                        count++;
                    }
                (current, next) = (next, current);
            }
            result[s] = count;
        }
        return result;
    }

    /// <summary>The header lines and one row per step (the middle elided past <paramref name="maxRows"/>).</summary>
    public static string Table(string algorithm, int particles, double logEvidence, double ess, IReadOnlyList<SmcStep> steps, IReadOnlyList<int> lineages, int maxRows)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{algorithm}: {particles} particles, {steps.Count} steps, {steps.Count(s => s.Resampled)} resampling events");
        sb.AppendLine(c, $"log evidence {logEvidence:F4}   final ESS {ess:F1}");
        sb.AppendLine(" step |      ESS | resampled | log Z so far | unique parents | surviving lineages");
        sb.AppendLine("------+----------+-----------+--------------+----------------+-------------------");
        var rows = steps.Count <= maxRows ? Enumerable.Range(0, steps.Count) : Enumerable.Range(0, maxRows / 2).Concat(Enumerable.Range(steps.Count - maxRows / 2, maxRows / 2));
        var previous = -1;
        foreach (var i in rows)
        {
            if (previous >= 0 && i != previous + 1) sb.AppendLine("  ... |");
            var s = steps[i];
            sb.AppendLine(c, $" {s.Step,4} | {s.EffectiveSampleSize,8:F1} | {(s.Resampled ? "yes" : "no"),9} | {s.LogEvidence,12:F4} | {s.UniqueAncestors,14} | {lineages[i],18}");
            previous = i;
        }
        return sb.ToString();
    }
}
