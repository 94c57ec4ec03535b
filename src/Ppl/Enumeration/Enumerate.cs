namespace Ppl.Enumeration;

/// <summary>
/// The exact enumeration interpreter: for programs whose random choices all have finite support it
/// visits every combination of outcomes once and returns the exact weighted list — the oracle that
/// inference tests compare against. It also enumerates randomized <em>algorithms</em> (resampling
/// included, since it draws through <see cref="Rng.DrawIndex"/>), giving the exact distribution of
/// their output.
/// </summary>
public static class Enumerate
{
    /// <summary>Default bound on the number of paths, so that a model with a huge support fails clearly instead of running for ever.</summary>
    public const int DefaultMaxPaths = 1_000_000;

    /// <summary>
    /// Every execution of <paramref name="function"/> at <paramref name="args"/> consistent with
    /// <paramref name="constraints"/>, with log weight log p(t; x) (choices, observations, factors).
    /// </summary>
    public static EnumerationResult<TRet> Model<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> function, TArgs args,
        ChoiceMap? constraints = null, int maxPaths = DefaultMaxPaths)
    {
        var entries = new List<EnumerationEntry<TRet>>();
        Walk(rng =>
        {
            var (trace, weight) = function.Generate(args, constraints ?? ChoiceMap.Empty, rng);
            // Generate's weight leaves out the prior of the unconstrained choices: exactly the path probability.
            entries.Add(new EnumerationEntry<TRet>(trace.Choices, trace.Return, weight + ((EnumeratingRng)rng).PathLogProbability));
        }, maxPaths);
        return new EnumerationResult<TRet>(entries);
    }

    /// <summary>
    /// The exact distribution of a randomized computation's output: each path's entry has log weight
    /// log P(path) + <paramref name="logWeight"/>(output).
    /// </summary>
    public static EnumerationResult<T> Program<T>(Func<Rng, T> program, Func<T, double>? logWeight = null, int maxPaths = DefaultMaxPaths)
    {
        var entries = new List<EnumerationEntry<T>>();
        Walk(rng =>
        {
            var value = program(rng);
            var lw = ((EnumeratingRng)rng).PathLogProbability + (logWeight?.Invoke(value) ?? 0.0);
            entries.Add(new EnumerationEntry<T>(ChoiceMap.Empty, value, lw));
        }, maxPaths);
        return new EnumerationResult<T>(entries);
    }

    private static void Walk(Action<Rng> run, int maxPaths)
    {
        List<int>? prefix = new();
        var paths = 0;
        while (prefix is not null)
        {
            if (++paths > maxPaths)
                throw new InvalidOperationException($"Enumeration stopped after {maxPaths} paths; the program's discrete support is too large to enumerate.");
            var rng = new EnumeratingRng(prefix);
            run(rng);
            prefix = rng.NextPrefix();
        }
    }
}

/// <summary>One path of an enumeration: its choices, output and log weight.</summary>
/// <param name="Choices">The random choices (empty for <see cref="Enumerate.Program{T}"/>).</param>
/// <param name="Value">The return value.</param>
/// <param name="LogWeight">The path's log weight.</param>
public readonly record struct EnumerationEntry<T>(ChoiceMap Choices, T Value, double LogWeight);

/// <summary>An exact weighted list of outcomes.</summary>
public sealed class EnumerationResult<T>
{
    internal EnumerationResult(IReadOnlyList<EnumerationEntry<T>> entries)
    {
        Entries = entries;
        LogEvidence = MathUtil.LogSumExp(entries.Select(e => e.LogWeight).ToArray());
    }

    /// <summary>Every path.</summary>
    public IReadOnlyList<EnumerationEntry<T>> Entries { get; }

    /// <summary>log Σ weights: the log marginal likelihood (evidence) for a model.</summary>
    public double LogEvidence { get; }

    /// <summary>Σ weights.</summary>
    public double Evidence => Math.Exp(LogEvidence);

    /// <summary>The normalised probability of the paths satisfying <paramref name="predicate"/>.</summary>
    public double Probability(Func<EnumerationEntry<T>, bool> predicate) =>
        Entries.Where(predicate).Sum(e => Math.Exp(e.LogWeight - LogEvidence));

    /// <summary>The normalised expectation of <paramref name="f"/> over the outputs.</summary>
    public double Expectation(Func<T, double> f) => Entries.Sum(e => Math.Exp(e.LogWeight - LogEvidence) * f(e.Value));

    /// <summary>The normalised distribution of the outputs, merging equal values.</summary>
    public IReadOnlyList<(T Value, double Probability)> Marginal() =>
        Entries.GroupBy(e => e.Value).Select(g => (g.Key, g.Sum(e => Math.Exp(e.LogWeight - LogEvidence)))).ToList();
}
