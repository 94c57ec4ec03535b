namespace Ppl.Inference.Importance;

/// <summary>
/// Running sums of importance weights and weighted statistics, kept relative to the largest log weight seen so far
/// (so that no exp overflows): Σw, Σw², and per statistic Σw·f, Σw²·f, Σw²·f². Two accumulators merge exactly, in a
/// fixed order, which makes the streamed estimates independent of the thread count.
/// </summary>
internal sealed class WeightAccumulator
{
    private readonly double[] _wf;
    private readonly double[] _w2f;
    private readonly double[] _w2f2;

    public WeightAccumulator(int statistics)
    {
        _wf = new double[statistics];
        _w2f = new double[statistics];
        _w2f2 = new double[statistics];
    }

    /// <summary>Particles added.</summary>
    public long Count { get; private set; }

    /// <summary>The largest log weight so far (the scale of the sums), −∞ before any positive weight.</summary>
    public double MaxLogWeight { get; private set; } = double.NegativeInfinity;

    /// <summary>Σ exp(log wᵢ − max).</summary>
    public double SumW { get; private set; }

    /// <summary>Σ exp(2 (log wᵢ − max)).</summary>
    public double SumW2 { get; private set; }

    /// <summary>Adds one particle's log weight and statistics.</summary>
    public void Add(double logWeight, ReadOnlySpan<double> f)
    {
        Count++;
        if (double.IsNegativeInfinity(logWeight)) return;
        if (logWeight > MaxLogWeight) Rescale(logWeight);
        var w = Math.Exp(logWeight - MaxLogWeight);
        var w2 = w * w;
        SumW += w;
        SumW2 += w2;
        for (var k = 0; k < _wf.Length; k++)
        {
            _wf[k] += w * f[k];
            _w2f[k] += w2 * f[k];
            _w2f2[k] += w2 * f[k] * f[k];
        }
    }

    /// <summary>Adds another accumulator's particles.</summary>
    public void Merge(WeightAccumulator other)
    {
        Count += other.Count;
        if (double.IsNegativeInfinity(other.MaxLogWeight)) return;
        if (other.MaxLogWeight > MaxLogWeight) Rescale(other.MaxLogWeight);
        var s = Math.Exp(other.MaxLogWeight - MaxLogWeight);
        var s2 = s * s;
        SumW += s * other.SumW;
        SumW2 += s2 * other.SumW2;
        for (var k = 0; k < _wf.Length; k++)
        {
            _wf[k] += s * other._wf[k];
            _w2f[k] += s2 * other._w2f[k];
            _w2f2[k] += s2 * other._w2f2[k];
        }
    }

    private void Rescale(double newMax)
    {
        var s = double.IsNegativeInfinity(MaxLogWeight) ? 0 : Math.Exp(MaxLogWeight - newMax);
        var s2 = s * s;
        SumW *= s;
        SumW2 *= s2;
        for (var k = 0; k < _wf.Length; k++)
        {
            _wf[k] *= s;
            _w2f[k] *= s2;
            _w2f2[k] *= s2;
        }
        MaxLogWeight = newMax;
    }

    /// <summary>The self-normalised estimate of E[f_k] and its standard error by the delta method: √(Σw²(f − μ)²) / Σw.</summary>
    public (double Mean, double StandardError) Statistic(int k)
    {
        var mean = _wf[k] / SumW;
        var spread = _w2f2[k] - 2 * mean * _w2f[k] + mean * mean * SumW2;
        return (mean, Math.Sqrt(Math.Max(spread, 0)) / SumW);
    }
}
