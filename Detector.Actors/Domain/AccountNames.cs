using System.Security.Cryptography;
using System.Text;

namespace Detector.Domain;

/// <summary>
/// How an account name from a log is shown: the one place this is decided. The name is untrusted text (the login name a
/// client typed) and personal data, so messages that leave the host (Slack, the event webhook) carry its
/// <see cref="Pseudonym"/> unless configured; the audit log keeps the name, made safe by <see cref="ForAudit"/>.
/// </summary>
public static class AccountNames
{
    /// <summary>
    /// <c>acct-</c> and the first 8 hex digits of the name's SHA-256: the same name always gives the same pseudonym, so
    /// an operator can find it in the audit log (and across restarts). Not a secret: whoever can guess a name can
    /// compute its pseudonym; it keeps names out of chat, not from someone who already knows them.
    /// </summary>
    public static string Pseudonym(string account)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(account), hash);
        return "acct-" + Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>
    /// The name in double quotes for the audit line: every character that could end the quoted text or the line's field
    /// (<c>"</c>, <c>\</c>, <c>|</c>) or hide in it (any white space but a plain space) written as its code,
    /// <c>\u007C</c>, then <see cref="UntrustedText.Neutralise"/> for control and format characters. A backslash in the
    /// result always starts such a code.
    /// </summary>
    public static string ForAudit(string account)
    {
        var builder = new StringBuilder(account.Length + 2).Append('"');
        foreach (var c in account)
        {
            if (c is '"' or '\\' or '|' || (char.IsWhiteSpace(c) && c != ' ')) builder.Append($"\\u{(int)c:X4}");
            else builder.Append(c);
        }
        return UntrustedText.Neutralise(builder.Append('"').ToString());
    }
}
