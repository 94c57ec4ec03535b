namespace Ppl.Inference.Smc;

/// <summary>
/// The replay fallback for resumable execution: a model that runs <see cref="Model"/> only up to its k-th
/// observation (an Observe, a Factor, or a Sample at an address given in <see cref="Observations"/>, which becomes an
/// Observe of the given value), exposed as an ordinary generative function of (args, k). Advancing a
/// particle from pause k to pause k+1 is then Gen's <c>Update</c> of its trace to arguments (args, k+1)
/// with no constraints: the choices made so far are replayed, new ones are drawn from the prior, and the
/// update weight is exactly the new score increment. Replay makes a step cost O(k) (the model re-runs
/// from the start), so a T-step SMC costs O(T²) per particle; generated resumable state machines or the
/// Unfold combinator will make it O(T).
/// <para>
/// Because the paused program is itself a generative function, MCMC moves on the intermediate target
/// (resample-move) are just <c>Regenerate</c> on it at the same arguments.
/// </para>
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
public sealed class PausingModel<TArgs, TRet>
{
    /// <summary>Wraps a dynamic model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="observations">
    /// Values for (some of) the model's top-level Sample sites, which the paused model observes: each is a pause, as an
    /// Observe is. A run that ends without visiting one of them is an <see cref="UnvisitedConstraintsException"/> naming
    /// the closest address the model has.
    /// </param>
    public PausingModel(DynamicModel<TArgs, TRet> model, ChoiceMap? observations = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Observations = observations ?? ChoiceMap.Empty;
        ObservationCheck.RequireNoNaN(Observations, model.Name);
        var given = Observations.Leaves.Count();
        Function = new DynamicModel<(TArgs Args, int Pauses), Paused<TRet>>(model.Name + "·paused", (t, a) =>
        {
            if (a.Pauses <= 0) return new Paused<TRet>(false, default, 0);
            var tracer = new PausingTracer(t, a.Pauses, Observations);
            try
            {
                var ret = model.RunBody(tracer, a.Args);
                if (tracer.ObservationsVisited < given)
                {
                    var unvisited = Observations.Leaves.Select(l => l.Address).Where(o => !tracer.Visited.Contains(o)).ToList();
                    throw new UnvisitedConstraintsException(model.Name, unvisited, tracer.Visited);
                }
                return new Paused<TRet>(true, ret, tracer.ScorePoints);
            }
            catch (PauseSignal)
            {
                return new Paused<TRet>(false, default, tracer.ScorePoints);
            }
        });
    }

    /// <summary>The wrapped model.</summary>
    public DynamicModel<TArgs, TRet> Model { get; }

    /// <summary>The observed values given from outside (empty when the model observes everything itself).</summary>
    public ChoiceMap Observations { get; }

    /// <summary>The model run up to its k-th Observe/Factor (k = int.MaxValue: to the end), as a generative function of (args, k).</summary>
    public DynamicModel<(TArgs Args, int Pauses), Paused<TRet>> Function { get; }
}
