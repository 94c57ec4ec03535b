using Ppl.Distributions;

namespace Ppl.Enumeration;

/// <summary>
/// A random source that, instead of drawing, follows one path of a depth-first walk over every finite
/// discrete draw a program makes (<see cref="Rng.DrawFinite{T}"/> and <see cref="Rng.DrawIndex"/>). Run
/// the program once per path and every combination of discrete outcomes is visited exactly once, with
/// <see cref="PathLogProbability"/> the log probability of that combination. Continuous or
/// infinite-support draws cannot be enumerated and raise an error.
/// </summary>
internal sealed class EnumeratingRng : Rng
{
    private readonly IReadOnlyList<int> _prefix;
    private int _position;

    public EnumeratingRng(IReadOnlyList<int> prefix) : base(0UL)
    {
        _prefix = prefix;
    }

    /// <summary>The option taken at each draw of this run.</summary>
    public List<int> Taken { get; } = new();

    /// <summary>How many options each draw of this run had.</summary>
    public List<int> Sizes { get; } = new();

    /// <summary>log of the probability of the outcomes taken on this path.</summary>
    public double PathLogProbability { get; private set; }

    public override ulong NextUInt64() =>
        throw new InferenceException(
            "Exact enumeration met a continuous or infinite-support random draw; only programs whose random choices all have finite support can be enumerated.");

    public override Rng Split() => this;

    public override Rng Clone() => throw new NotSupportedException("An enumerating random source cannot be cloned.");

    public override T DrawFinite<T>(IFiniteDistribution<T> distribution)
    {
        Span<double> weights = distribution.SupportSize <= 256 ? stackalloc double[distribution.SupportSize] : new double[distribution.SupportSize];
        for (var i = 0; i < weights.Length; i++) weights[i] = Math.Exp(distribution.LogDensity(distribution.SupportValue(i)));
        return distribution.SupportValue(DrawIndex(weights));
    }

    public override int DrawIndex(ReadOnlySpan<double> weights)
    {
        double total = 0;
        var options = new List<int>(weights.Length);
        for (var i = 0; i < weights.Length; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                throw new ArgumentException($"Weights must be finite and non-negative; got {weights[i]}.", nameof(weights));
            total += weights[i];
            if (weights[i] > 0) options.Add(i);
        }
        if (options.Count == 0) throw new ArgumentException("All weights are zero.", nameof(weights));
        var choice = _position < _prefix.Count ? _prefix[_position] : 0;
        _position++;
        Taken.Add(choice);
        Sizes.Add(options.Count);
        var index = options[choice];
        PathLogProbability += Math.Log(weights[index] / total);
        return index;
    }

    /// <summary>The prefix of the next path in depth-first order, or null when this was the last.</summary>
    public List<int>? NextPrefix()
    {
        for (var j = Taken.Count - 1; j >= 0; j--)
        {
            if (Taken[j] + 1 < Sizes[j])
            {
                var next = Taken.GetRange(0, j);
                next.Add(Taken[j] + 1);
                return next;
            }
        }
        return null;
    }
}
