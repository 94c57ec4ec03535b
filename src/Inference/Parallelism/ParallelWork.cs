using System.Runtime.ExceptionServices;

namespace Ppl.Inference;

/// <summary>What the units of a parallel loop are, so that an error can say which one failed.</summary>
internal enum WorkUnit
{
    /// <summary>Markov chains: a <see cref="PplException"/> gets <see cref="PplException.Chain"/>.</summary>
    Chain,

    /// <summary>Particles: a <see cref="PplException"/> gets <see cref="PplException.Particle"/>.</summary>
    Particle,

    /// <summary>Chunks of particles (the typed particle filter): the index is recorded in the exception's data only.</summary>
    Chunk,
}

/// <summary>
/// Parallel loops over chains or particles that fail the way a sequential loop does: the error of the lowest
/// failing index is rethrown as it is, with its original stack (never an <see cref="AggregateException"/> holding
/// copies of one error), and a <see cref="PplException"/> learns which chain or particle it came from. Other
/// exceptions keep their type; the index is in their <see cref="Exception.Data"/> under <see cref="IndexKey"/>.
/// </summary>
internal static class ParallelWork
{
    /// <summary>The <see cref="Exception.Data"/> key holding the failing index of an exception that is not Ppl's own.</summary>
    public const string IndexKey = "Ppl.Index";

    /// <summary>
    /// Calls <paramref name="body"/>(i) for i in 0..n−1, on up to <see cref="RunOptions.MaxDegreeOfParallelism"/>
    /// threads (sequentially when it is 1 or <paramref name="sequential"/> holds), honouring the run's cancellation.
    /// </summary>
    public static void For(int n, RunOptions options, WorkUnit unit, Action<int> body, bool sequential = false)
    {
        options.Cancellation.ThrowIfCancellationRequested();
        if (sequential || options.MaxDegreeOfParallelism == 1 || n <= 1)
        {
            for (var i = 0; i < n; i++)
            {
                try
                {
                    body(i);
                }
                catch (Exception e) when (Annotate(e, unit, i))
                {
                    // Annotate returns false: the filter only adds the index; the exception propagates untouched.
                }
            }
            return;
        }
        var gate = new object();
        var firstIndex = int.MaxValue;
        Exception? first = null;
        try
        {
            Parallel.For(0, n, new ParallelOptions
            {
                CancellationToken = options.Cancellation,
                MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            }, (i, state) =>
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        // The lowest failing index wins, so which error is reported depends on the seed, not on the scheduler.
                        if (i < firstIndex)
                        {
                            firstIndex = i;
                            first = e;
                        }
                    }
                    // Break, not Stop: iterations below i that have not started yet still run (one of them may fail
                    // too, and its error is the one a sequential loop reports); only those above i are skipped.
                    state.Break();
                }
            });
        }
        catch (OperationCanceledException) when (first is not null)
        {
            // A body's own error is more useful than the cancellation that followed it.
        }
        if (first is null) return;
        Annotate(first, unit, firstIndex);
        ExceptionDispatchInfo.Capture(first).Throw();
    }

    /// <summary>Records the failing index on the exception; returns false (for use in an exception filter).</summary>
    internal static bool Annotate(Exception e, WorkUnit unit, int index)
    {
        if (e is OperationCanceledException) return false;
        if (e is PplException p && unit != WorkUnit.Chunk)
        {
            if (unit == WorkUnit.Chain) p.InChain(index);
            else p.InParticle(index);
        }
        else if (!e.Data.Contains(IndexKey))
        {
            e.Data[IndexKey] = $"{unit.ToString().ToLowerInvariant()} {index}";
        }
        return false;
    }
}
