namespace Ppl.Modeling;

/// <summary>
/// A generative function with a resumable form (every generated <c>[Model]</c> method with specialised code): lets
/// SMC take the model itself, as importance sampling and MCMC do, and find its state machine (or replay form) here.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
public interface IHasResumableForm<TArgs, TRet>
{
    /// <summary>The model's resumable form (the generated <c>…Resumable</c>).</summary>
    ResumableModel<TArgs, TRet> Resumable { get; }
}
