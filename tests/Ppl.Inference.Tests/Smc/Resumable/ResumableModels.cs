using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Smc.Resumable;

/// <summary>[Model] methods that the generator lowers to resumable state machines, and ones it cannot lower.</summary>
public static partial class ResumableModels
{
    /// <summary>The linear-Gaussian SSM of <see cref="SmcModels.Lgssm"/> (a = 0.9), same addresses.</summary>
    [Model]
    public static double Lgssm(double[] ys)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < ys.Length; i++)
        {
            x = Sample(Normal(0.9 * x, 1), "x", i + 1);
            Observe(Normal(x, 0.5), ys[i], "y", i + 1);
        }
        return x;
    }

    /// <summary>The same SSM keeping its path in an array the body writes (a clone must copy it), counting its loop iterations.</summary>
    [Model]
    public static double LgssmPath(double[] ys)
    {
        var path = new double[ys.Length + 1];
        path[0] = Sample(Normal(0, 1), "x", 0);
        var i = 0;
        while (i < ys.Length)
        {
            Tick();
            path[i + 1] = Sample(Normal(0.9 * path[i], 1), "x", i + 1);
            Observe(Normal(path[i + 1], 0.5), ys[i], "y", i + 1);
            i++;
        }
        return path[ys.Length];
    }

    private static long _ticks;

    /// <summary>Loop iterations run by <see cref="LgssmPath"/> bodies so far (all paths, all threads).</summary>
    public static long Ticks => Interlocked.Read(ref _ticks);

    private static void Tick() => Interlocked.Increment(ref _ticks);

    /// <summary>Every covered construct: while, nested for with continue, if/else with a factor, do-while, a written array, break.</summary>
    [Model]
    public static double Mixed(double[] ys)
    {
        var level = Sample(Normal(0, 1), "start");
        var path = new double[ys.Length];
        var t = 0;
        while (true)
        {
            if (t >= ys.Length) break;
            var jump = Sample(Bernoulli(0.2), "jump", t);
            if (jump)
            {
                level = Sample(Normal(level, 2), "level", t);
                Factor(-0.1);
            }
            else
                level = Sample(Normal(level, 0.5), "level", t);
            path[t] = level;
            for (var k = 0; k < 2; k++)
            {
                if (k == 1 && t % 2 == 0) continue;
                Observe(Normal(path[t] + k, 1), ys[t], "y", 2 * t + k);
            }
            t++;
        }
        var total = 0.0;
        do
        {
            total += path[--t];
        }
        while (t > 0);
        return total;
    }

    /// <summary>
    /// The LGSSM with its data as Sample sites ("y", t), observed by values given from outside, keeping its path in an
    /// array the body writes and counting its loop iterations (in <see cref="SampledTicks"/>).
    /// </summary>
    [Model]
    public static double LgssmSampled(int steps)
    {
        var path = new double[steps + 1];
        path[0] = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < steps; i++)
        {
            Interlocked.Increment(ref _sampledTicks);
            path[i + 1] = Sample(Normal(0.9 * path[i], 1), "x", i + 1);
            _ = Sample(Normal(path[i + 1], 0.5), "y", i + 1);
        }
        return path[steps];
    }

    private static long _sampledTicks;

    /// <summary>Loop iterations run by <see cref="LgssmSampled"/> bodies so far (all paths, all threads).</summary>
    public static long SampledTicks => Interlocked.Read(ref _sampledTicks);

    #pragma warning disable PPL0011, PPL0012 // a deconstruction of a tuple holding a Sample on purpose (the lowering's deconstruction branch)
    /// <summary>
    /// Every construct the conditional pauses after Sample statements meet: Samples in while, nested for with continue,
    /// if/else branches, a discard, a declaration and a deconstruction; Observe and Factor between them.
    /// Any of its Samples may be given a value.
    /// </summary>
    [Model]
    public static double MixedSampled(int steps)
    {
        var level = Sample(Normal(0, 1), "start");
        var t = 0;
        while (true)
        {
            if (t >= steps) break;
            var jump = Sample(Bernoulli(0.2), "jump", t);
            if (jump)
            {
                level = Sample(Normal(level, 2), "level", t);
                Factor(-0.1);
            }
            else
                level = Sample(Normal(level, 0.5), "level", t);
            for (var k = 0; k < 2; k++)
            {
                if (k == 1 && t % 2 == 0) continue;
                _ = Sample(Normal(level + k, 1), "y", 2 * t + k);
            }
            Observe(Normal(level, 3), 0.5, "z", t);
            t++;
        }
        var (end, one) = (Sample(Normal(level, 1), "end"), 1.0);
        return end + one;
    }
    #pragma warning restore PPL0011, PPL0012

    /// <summary>
    /// A Sample in an if condition: the state machine cannot pause right after it, so it takes no observations (SMC given
    /// values replays) though it is still lowered for SMC without them.
    /// </summary>
    [Model]
    public static double SampledInCondition(int steps)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < steps; i++)
        {
            if (Sample(Bernoulli(0.5), "coin", i)) x += 1;
            x = Sample(Normal(0.9 * x, 1), "x", i + 1);
            _ = Sample(Normal(x, 0.5), "y", i + 1);
        }
        return x;
    }

    #pragma warning disable PPL0010, PPL0011 // a try statement around an observation on purpose (SMC's replay fallback is what it tests)
    /// <summary>A try statement around an observation: not lowered, SMC replays it (PPL0010).</summary>
    [Model]
    public static double Guarded(double[] ys)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < ys.Length; i++)
        {
            x = Sample(Normal(0.9 * x, 1), "x", i + 1);
            try
            {
                Observe(Normal(x, 0.5), ys[i], "y", i + 1);
            }
            finally
            {
                x += 0;
            }
        }
        return x;
    }
    #pragma warning restore PPL0010, PPL0011
}
