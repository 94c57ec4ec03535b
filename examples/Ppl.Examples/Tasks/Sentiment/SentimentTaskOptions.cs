namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>Settings of <see cref="SentimentTask"/>; the defaults finish in minutes on a 2-core CPU.</summary>
public sealed record SentimentTaskOptions
{
    /// <summary>Vocabulary size (the most frequent training words plus the unknown word).</summary>
    public int VocabularySize { get; init; } = 2000;

    /// <summary>The transformer's context (training windows have this many tokens plus one).</summary>
    public int ContextLength { get; init; } = 16;

    /// <summary>Model width.</summary>
    public int Width { get; init; } = 64;

    /// <summary>Transformer blocks.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Optimiser steps of the prior's training.</summary>
    public int LanguageModelSteps { get; init; } = 1500;

    /// <summary>Windows per step of the prior's training.</summary>
    public int LanguageModelBatch { get; init; } = 32;

    /// <summary>Words per prompt x.</summary>
    public int PromptLength { get; init; } = 4;

    /// <summary>Words per continuation y.</summary>
    public int ContinuationLength { get; init; } = 8;

    /// <summary>Prompts, drawn from held-out sentences.</summary>
    public int Prompts { get; init; } = 32;

    /// <summary>β of the target p(y | x) exp(r(x, y) / β).</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>Every this-many-th Brown document is held out (for perplexity and prompts).</summary>
    public int HeldOutEvery { get; init; } = 10;

    /// <summary>Held-out tokens scored for perplexity (the first this many).</summary>
    public int PerplexityTokens { get; init; } = 40_000;

    /// <summary>A key for everything that determines the prior's weights (its cache file name).</summary>
    internal string PriorKey(string corpusIntegrity, ulong seed) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"{corpusIntegrity}|{VocabularySize}|{ContextLength}|{Width}|{Layers}|{Heads}|{LanguageModelSteps}|{LanguageModelBatch}|{HeldOutEvery}|{seed}|v1")))[..16].ToLowerInvariant();
}
