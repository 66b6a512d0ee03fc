-- Backtests (issue 15) read opportunities as outcomes; an exported opportunities.csv may say each
-- one's type (new business, renewal…), kept so outcomes can later be told apart by it. Sync leaves it NULL.
ALTER TABLE opportunities ADD COLUMN IF NOT EXISTS type text;
